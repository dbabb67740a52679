import { Console, Effect } from "effect"
import { describeMachine } from "../machine/describeMachine.js"
import type { BenchModels } from "../models/BenchModels.js"
import { fixedPrompts } from "../quality/fixedPrompts.js"
import type { GridPreset } from "./GridPlan.js"
import { planCells } from "./GridPlan.js"
import type { CellResult, GridResults } from "./GridResults.js"
import { measureCell, type RunInput } from "./measureCell.js"
import { profileCalls } from "./profileCalls.js"

/** Seeds of warm-up runs start here, away from the repeats' seeds 0, 1, 2, … */
const WARMUP_SEED = 10_000

/** BOS + the first `promptLength` tokens of each fixed prompt. */
const promptInputs = (models: BenchModels, promptLength: number) =>
  Effect.forEach(fixedPrompts, (text, index) =>
    Effect.gen(function*() {
      const tokens = yield* models.encode(text)
      if (tokens.length < promptLength) {
        return yield* Effect.die(new Error(`fixed prompt ${index} has ${tokens.length} tokens, fewer than P = ${promptLength}`))
      }
      return Int32Array.from([models.bosId, ...tokens.subarray(0, promptLength)])
    }))

export const runGrid = (models: BenchModels, preset: GridPreset) =>
  Effect.gen(function*() {
    const startedAt = new Date()
    const machine = describeMachine(models.provider, models.intraOpThreads)
    const { grid } = preset
    if (grid.repeats > fixedPrompts.length) {
      return yield* Effect.die(new Error(`${grid.repeats} repeats but only ${fixedPrompts.length} fixed prompts`))
    }
    yield* Console.error(`model-call profile (${preset.name})…`)
    const calls = yield* profileCalls(models, preset.calls)

    const cells = planCells(grid, models.contextLength)
    const results: Array<CellResult> = []
    for (const promptLength of grid.promptLengths) {
      const prompts = yield* promptInputs(models, promptLength)
      const repeats: Array<RunInput> = prompts.slice(0, grid.repeats).map((promptIds, seed) => ({ promptIds, seed }))
      const warmups: Array<RunInput> = Array.from({ length: grid.warmupRuns }, (_, i) => ({ promptIds: prompts[0]!, seed: WARMUP_SEED + i }))
      for (const cell of cells.filter((candidate) => candidate.promptLength === promptLength)) {
        const result = yield* measureCell(models, cell, warmups, repeats, grid.temperature)
        yield* Console.error(
          `${cell.id.padEnd(34)} median ${result.wallMs.median.toFixed(0).padStart(6)} ms  NFE ${String(result.nfe).padStart(3)}  ${
            result.tokensPerSecond.toFixed(1).padStart(7)
          } tok/s  gen-PPL ${result.quality.generativePerplexity?.toFixed(1) ?? "n/a"}`,
        )
        results.push(result)
      }
    }
    return {
      preset: preset.name,
      startedAt: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      machine,
      axes: grid,
      callAxes: preset.calls,
      calls,
      cells: results,
    } satisfies GridResults
  })
