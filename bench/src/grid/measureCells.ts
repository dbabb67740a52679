import { Console, Effect } from "effect"
import type { BenchModels } from "../models/BenchModels.js"
import type { GridCell } from "./GridPlan.js"
import type { CellResult } from "./GridResults.js"
import { measureCell, type RunInput } from "./measureCell.js"

/** Seeds of warm-up runs start here, away from the repeats' seeds 0, 1, 2, … */
const WARMUP_SEED = 10_000

export interface RunProtocol {
  readonly warmupRuns: number
  readonly repeats: number
  readonly temperature: number
}

/**
 * Measures cells that share a prompt length, one after the other: repeat r runs on prompt r with
 * seed r; warm-ups run on the first prompt with seeds no repeat uses. Logs one line per cell.
 */
export const measureCells = (
  models: BenchModels,
  cells: ReadonlyArray<GridCell>,
  prompts: ReadonlyArray<Int32Array>,
  protocol: RunProtocol,
) =>
  Effect.gen(function*() {
    const repeats: Array<RunInput> = prompts.slice(0, protocol.repeats).map((promptIds, seed) => ({ promptIds, seed }))
    const warmups: Array<RunInput> = Array.from({ length: protocol.warmupRuns }, (_, i) => ({ promptIds: prompts[0]!, seed: WARMUP_SEED + i }))
    const results: Array<CellResult> = []
    for (const cell of cells) {
      const result = yield* measureCell(models, cell, warmups, repeats, protocol.temperature)
      yield* Console.error(
        `${cell.id.padEnd(36)} median ${result.wallMs.median.toFixed(0).padStart(6)} ms  NFE ${String(result.nfe).padStart(3)}  ${
          result.tokensPerSecond.toFixed(1).padStart(7)
        } tok/s  gen-PPL ${result.quality.generativePerplexity?.toFixed(2) ?? "n/a"}`,
      )
      results.push(result)
    }
    return results
  })
