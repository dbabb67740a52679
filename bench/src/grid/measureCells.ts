import { Console, Effect } from "effect"
import type { BenchModels } from "../models/BenchModels.js"
import type { GridCell } from "./GridPlan.js"
import type { CellResult } from "./GridResults.js"
import { cellResult, type RunInput, timedRun, type TimedRun } from "./measureCell.js"

/** Seeds of warm-up runs start here, away from the repeats' seeds 0, 1, 2, … */
const WARMUP_SEED = 10_000

export interface RunProtocol {
  readonly warmupRuns: number
  readonly repeats: number
  readonly temperature: number
}

/**
 * Measures cells that share a prompt length, interleaved: every cell's warm-up runs first (on the
 * first prompt, with seeds no repeat uses), then round r runs every cell once on prompt r with seed
 * r, so that a slow spell of a shared machine hits all cells alike. Logs one line per cell.
 */
export const measureCells = (
  defaultModels: BenchModels,
  cells: ReadonlyArray<GridCell>,
  prompts: ReadonlyArray<Int32Array>,
  protocol: RunProtocol,
  diffusionModels: ReadonlyMap<string, BenchModels> = new Map(),
) =>
  Effect.gen(function*() {
    const modelsOf = (cell: GridCell): BenchModels => {
      if (cell.diffusionModel === undefined) return defaultModels
      const models = diffusionModels.get(cell.diffusionModel)
      if (models === undefined) throw new Error(`cell ${cell.id} needs diffusion model ${cell.diffusionModel}, which is not loaded`)
      return models
    }
    const repeats: Array<RunInput> = prompts.slice(0, protocol.repeats).map((promptIds, seed) => ({ promptIds, seed }))
    for (const cell of cells) {
      for (let i = 0; i < protocol.warmupRuns; i++) yield* timedRun(modelsOf(cell), cell, { promptIds: prompts[0]!, seed: WARMUP_SEED + i }, protocol.temperature)
    }
    const runs = cells.map((): Array<TimedRun> => [])
    for (const input of repeats) {
      for (const [index, cell] of cells.entries()) runs[index]!.push(yield* timedRun(modelsOf(cell), cell, input, protocol.temperature))
    }
    const results: Array<CellResult> = []
    for (const [index, cell] of cells.entries()) {
      const result = yield* cellResult(modelsOf(cell), cell, runs[index]!, repeats)
      yield* Console.error(
        `${cell.id.padEnd(52)} median ${result.wallMs.median.toFixed(0).padStart(6)} ms  NFE ${String(result.nfe).padStart(3)}  ${
          result.tokensPerSecond.toFixed(1).padStart(7)
        } tok/s  gen-PPL ${result.quality.generativePerplexity?.toFixed(2) ?? "n/a"}`,
      )
      results.push(result)
    }
    return results
  })
