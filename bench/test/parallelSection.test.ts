import { describe, expect, it } from "vitest"
import { quickFastAxes } from "../src/fast/FastPlan.js"
import type { FastResults } from "../src/fast/FastResults.js"
import type { GridCell } from "../src/grid/GridPlan.js"
import { renderParallelSection } from "../src/report/parallelSection.js"
import { syntheticCell } from "./support/syntheticGrid.js"
import { testMachine } from "./support/testMachine.js"

const cell = (id: string, sampler: GridCell["sampler"], diffusionModel?: string): GridCell => ({
  id, promptLength: 63, genLength: 64, steps: 64, sampler, ...(diffusionModel === undefined ? {} : { diffusionModel }),
})
const dual = { kind: "cached", cache: "dual", blockLength: 32, threshold: 0.5, confidenceHead: true } as const

// Made-up figures (not measured): AR 100 ms; the fast model's dual cell 40 ms at NFE 20 (3.2 tokens per forward).
const fast: FastResults = {
  startedAt: "2026-01-01T00:00:00.000Z",
  durationSeconds: 1,
  machine: testMachine,
  axes: quickFastAxes,
  drift: [],
  cells: [
    syntheticCell(cell("ar", { kind: "ar" }), 100, 64),
    syntheticCell(cell("plain", { kind: "vanilla" }), 400, 64),
    syntheticCell(cell("fast-plain", { kind: "vanilla" }, "diffusion-fast"), 400, 64),
    { ...syntheticCell(cell("fast-dual", dual, "diffusion-fast"), 40, 20), label: "diffusion-fast: dual cache threshold 0.5 b32 + head" },
  ],
}

describe("renderParallelSection", () => {
  it("puts both models beside AR and checks the targets against the fast model's fastest setting", () => {
    const section = renderParallelSection({
      fast, fastFile: "bench/results/fast.json", fastModel: "diffusion-fast", baseModel: "diffusion",
      heldOut: { diffusion: { evaluation: { stories: 1, tokens: 10, boundSamplesPerStory: 2 }, ar: { natsPerToken: 2 }, diffusion: { natsPerToken: 3, standardError: 0.1 } } },
    })
    expect(section).toContain("## Trained for parallel decoding")
    expect(section).toContain("an AR judge favours text distilled from that same AR model")
    expect(section).toContain("| dual cache threshold 0.5 b32 + head | diffusion-fast | 20 | 3.20 | 40 | 0.40× |")
    expect(section).toContain("at the fastest setting ≥ 3.0 met, time met")
    expect(section).toContain("| diffusion | 3.000 ± 0.100 | 2.000 | 1.50× |")
  })
})
