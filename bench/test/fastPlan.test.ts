import { describe, expect, it } from "vitest"
import { fullFastAxes, planFastCells, quickFastAxes } from "../src/fast/FastPlan.js"

describe("planFastCells", () => {
  it("plans the reference, the uncached samplers, the cached variants and AR at every N that fits", () => {
    const cells = planFastCells(fullFastAxes, 256)
    expect([...new Set(cells.map((cell) => cell.genLength))]).toEqual([64, 128, 192])
    expect(new Set(cells.map((cell) => cell.id)).size).toBe(cells.length)
    for (const cell of cells) expect(1 + cell.promptLength + cell.genLength).toBeLessThanOrEqual(256)
    const atLongest = cells.filter((cell) => cell.genLength === 192).map((cell) => cell.id)
    expect(atLongest).toEqual(expect.arrayContaining([
      "P63-N192-ar",
      "P63-N192-vanilla",
      "P63-N192-dual-thr0.9-b32-head",
      "P63-N192-dual-thr0.9-b32",
      "P63-N192-prefix-thr0.9-b32-head",
      "P63-N192-dual-f1-b32-head",
      "diffusion-fast-P63-N192-vanilla",
      "diffusion-fast-P63-N192-dual-thr0.5-b32-head",
    ]))
  })

  it("measures every other diffusion model with its own plain reference and the parallel rules, never AR twice", () => {
    const cells = planFastCells(fullFastAxes, 256).filter((cell) => cell.genLength === 128)
    const fast = cells.filter((cell) => cell.diffusionModel === "diffusion-fast")
    expect(fast.map((cell) => cell.sampler.kind)).toContain("vanilla")
    expect(fast.some((cell) => cell.sampler.kind === "ar")).toBe(false)
    expect(cells.filter((cell) => cell.sampler.kind === "ar")).toHaveLength(1)
  })

  it("drops lengths beyond the context or not made of whole blocks", () => {
    expect(planFastCells({ ...quickFastAxes, genLengths: [48, 64, 224] }, 256).map((cell) => cell.genLength)).toEqual(
      Array(planFastCells(quickFastAxes, 256).length).fill(64),
    )
  })
})
