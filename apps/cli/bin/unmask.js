#!/usr/bin/env node
// The `unmask` command. The TypeScript sources compile to dist/ (`npx tsc -b` at the repository root).
import { existsSync } from "node:fs"

const entry = new URL("../dist/main.js", import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write("unmask: apps/cli is not built yet; run `npx tsc -b` at the repository root (or `npm run generate -- ...`)\n")
  process.exit(1)
}
await import(entry.href)
