import { describe, expect, it } from "vitest"
import { compareExactCounts, formatCountTable } from "../src/gate/exactCounts.js"

describe("compareExactCounts", () => {
  it("fails any rise, flags a fall and a new count, passes an equal one", () => {
    const rows = compareExactCounts({ a: 120, b: 99, c: 80, d: 7 }, { a: 120, b: 100, c: 79 })
    expect(rows.map((row) => row.verdict)).toEqual(["ok", "improved", "regressed", "new"])
    expect(formatCountTable(rows)).toContain("| c | 79 | 80 | **REGRESSED** |")
  })

  it("treats a baseline without counts as all new", () => {
    expect(compareExactCounts({ a: 1 }, undefined)[0]!.verdict).toBe("new")
  })
})
