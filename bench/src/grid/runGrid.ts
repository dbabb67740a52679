import { Console, Effect } from "effect"
import { describeMachine } from "../machine/describeMachine.js"
import type { BenchModels } from "../models/BenchModels.js"
import { fixedPrompts } from "../quality/fixedPrompts.js"
import { promptInputs } from "./promptInputs.js"
import type { GridPreset } from "./GridPlan.js"
import { planCells } from "./GridPlan.js"
import type { CellResult, GridResults } from "./GridResults.js"
import { measureCells } from "./measureCells.js"
import { profileCalls } from "./profileCalls.js"

export const runGrid = (models: BenchModels, preset: GridPreset, otherModels: ReadonlyMap<string, BenchModels> = new Map()) =>
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
      results.push(...yield* measureCells(models, cells.filter((cell) => cell.promptLength === promptLength), prompts, grid, otherModels))
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
