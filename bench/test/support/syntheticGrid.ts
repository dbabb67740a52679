import type { GridCell } from "../../src/grid/GridPlan.js"
import { quickPreset } from "../../src/grid/GridPlan.js"
import type { CallTiming, CellResult, GridResults } from "../../src/grid/GridResults.js"
import { samplerLabel } from "../../src/grid/SamplerSetting.js"
import { summarize } from "../../src/stats/summarize.js"
import { testMachine } from "./testMachine.js"

/** A made-up cell: the numbers are chosen by the test, not measured. */
export const syntheticCell = (cell: GridCell, wallMs: number, nfe: number, overheadShare = 0.1): CellResult => ({
  ...cell,
  label: samplerLabel(cell.sampler),
  wallMs: summarize([wallMs]),
  nfe,
  tokensPerForward: cell.genLength / nfe,
  tokensPerSecond: cell.genLength / (wallMs / 1000),
  msPerModelCall: (wallMs * (1 - overheadShare)) / nfe,
  overheadShare,
  quality: { generativePerplexity: 40, unigramEntropy: 3, repeated4gramShare: 0.1, samples: 1, scoredTokens: 10, texts: ["a story"] },
})

export const timing = (batch: number, length: number, pastLength: number, ms: number): CallTiming => ({
  batch,
  length,
  pastLength,
  ms: summarize([ms]),
})

/** N = 32, P = 0: AR 32 steps of 10 ms; vanilla T = 32 and T = 8 at 20 ms per call. */
export const syntheticGrid = (overrides: { readonly quarterWallMs?: number; readonly batch4Ms?: number } = {}): GridResults => {
  const at = (steps: number, kind: "ar" | "vanilla"): GridCell => ({
    id: `P0-N32-T${steps}-${kind}`,
    promptLength: 0,
    genLength: 32,
    steps,
    sampler: { kind },
  })
  return {
    preset: "quick",
    startedAt: "2025-01-01T00:00:00.000Z",
    durationSeconds: 1,
    machine: testMachine,
    axes: quickPreset.grid,
    callAxes: quickPreset.calls,
    calls: {
      diffusion: [timing(1, 17, 0, 12), timing(1, 65, 0, 20), timing(1, 129, 0, 36)],
      arStep: [timing(1, 1, 1, 5), timing(1, 1, 65, 6), timing(1, 1, 129, 7)],
      diffusionBatches: [timing(1, 33, 0, 10), timing(4, 33, 0, overrides.batch4Ms ?? 20)],
    },
    cells: [
      syntheticCell(at(32, "ar"), 320, 32),
      syntheticCell(at(32, "vanilla"), 640, 32),
      syntheticCell(at(8, "vanilla"), overrides.quarterWallMs ?? 160, 8),
    ],
  }
}
