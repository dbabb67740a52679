// Headless Chromium for the browser tests, brought by npm alone: the registry package @sparticuz/chromium
// ships a chrome-headless-shell build (bin/chromium.br) and the libraries it links that a bare Debian
// lacks (NSS, NSPR, expat: bin/al2023.tar.br), brotli-compressed inside its tarball. Nothing is
// downloaded and nothing comes from apt. The package's own executablePath() unpacks into /tmp and adds
// the libraries only on AWS Lambda, so this unpacks the same files itself, once per package version,
// into node_modules/.cache/unmask-chromium/<version>/ and says how to launch it. None of the package's
// JavaScript runs, so its `engines` (Node 22, an npm EBADENGINE warning on Node 20) does not matter here.
// Checked with `ldd` and in a debootstrap'd minimal bookworm: beyond bin/'s libraries it needs only libc,
// libm, libdl, libpthread and libgcc_s. Without fonts a form control aborts it (Skia's FontConfigInterface:
// "Not implemented"), hence the package's Open Sans and a fontconfig file that names it.
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { brotliDecompressSync } from "node:zlib"

const root = fileURLToPath(new URL("..", import.meta.url))

/** Where the package's compressed files are, and its version (the cache key). */
const packageFiles = () => {
  const entry = createRequire(join(root, "package.json")).resolve("@sparticuz/chromium") // <package>/build/index.js
  const packageDir = dirname(dirname(entry))
  return { bin: join(packageDir, "bin"), version: JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).version }
}

const untar = (archive, into) => {
  mkdirSync(into, { recursive: true })
  const result = spawnSync("tar", ["-x", "--no-same-owner", "-C", into], { input: brotliDecompressSync(readFileSync(archive)) })
  if (result.status !== 0) throw new Error(`unpacking ${archive} failed: ${result.stderr?.toString() || result.error}`)
}

// Only the package's Open Sans, so text renders the same on every machine (a bare one has no fonts).
const fontconfig = (dir) => `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${join(dir, "fonts")}</dir>
  <cachedir>${join(dir, "fontconfig-cache")}</cachedir>
</fontconfig>
`

/** Unpacks into `partial`, which will be renamed to `dir` (the fontconfig file names the final paths). */
const unpack = (bin, partial, dir) => {
  writeFileSync(join(partial, "chromium"), brotliDecompressSync(readFileSync(join(bin, "chromium.br"))), { mode: 0o755 })
  untar(join(bin, "al2023.tar.br"), partial) // → lib/
  untar(join(bin, "fonts.tar.br"), partial) // → fonts/ (and the package's fonts.conf, unused)
  writeFileSync(join(partial, "unmask-fonts.conf"), fontconfig(dir))
}

/**
 * Unpacks (first call per version, ≈ 2 s, ≈ 215 MB) and returns the browser's path and the environment to
 * launch it with: its own libraries first on LD_LIBRARY_PATH, its own fonts. Safe to call from concurrent
 * processes (each unpacks into a private folder; the first rename wins).
 */
export const bundledChromium = () => {
  const { bin, version } = packageFiles()
  const dir = join(root, "node_modules/.cache/unmask-chromium", version)
  if (!existsSync(join(dir, "chromium"))) {
    const partial = `${dir}.partial-${process.pid}`
    rmSync(partial, { recursive: true, force: true })
    mkdirSync(partial, { recursive: true })
    unpack(bin, partial, dir)
    try {
      renameSync(partial, dir)
    } catch (error) {
      rmSync(partial, { recursive: true, force: true })
      if (!existsSync(join(dir, "chromium"))) throw error
    }
  }
  const libraries = join(dir, "lib")
  return {
    version,
    executablePath: join(dir, "chromium"),
    env: {
      LD_LIBRARY_PATH: [libraries, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
      FONTCONFIG_FILE: join(dir, "unmask-fonts.conf"),
    },
  }
}

// `node scripts/bundledChromium.mjs` unpacks and prints the path (for a shell or a debugger).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const chromium = bundledChromium()
  console.log(chromium.executablePath)
}
