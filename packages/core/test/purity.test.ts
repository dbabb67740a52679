import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const sourceDir = join(import.meta.dirname, "../src")
const sources = readdirSync(sourceDir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"))

describe("packages/core is pure", () => {
  it("imports only effect and its own modules, and touches no I/O globals", () => {
    expect(sources.length).toBeGreaterThan(20)
    for (const file of sources) {
      const text = readFileSync(join(sourceDir, file), "utf8")
      const imports = [...text.matchAll(/from "([^"]+)"/g)].map((match) => match[1])
      for (const specifier of imports) expect(specifier, file).toMatch(/^(effect|\.\.?\/.*\.js)$/)
      expect(text, file).not.toMatch(/\b(fetch|process|console|require|Date\.now|Math\.random)\b\s*[.(]/)
    }
  })
})
