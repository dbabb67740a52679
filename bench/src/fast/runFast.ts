import { Console, Effect } from "effect"
import { measureCells } from "../grid/measureCells.js"
import { describeMachine } from "../machine/describeMachine.js"
import type { BenchModels } from "../models/BenchModels.js"
import { fixedPrompts } from "../quality/fixedPrompts.js"
import { promptInputs } from "../grid/promptInputs.js"
import type { FastAxes } from "./FastPlan.js"
import { planFastCells } from "./FastPlan.js"
import type { FastResults } from "./FastResults.js"
import { measureDrift } from "./measureDrift.js"

export const runFast = (models: BenchModels, axes: FastAxes, otherModels: ReadonlyMap<string, BenchModels>) =>
  Effect.gen(function*() {
    const startedAt = new Date()
    if (axes.repeats > fixedPrompts.length) {
      return yield* Effect.die(new Error(`${axes.repeats} repeats but only ${fixedPrompts.length} fixed prompts`))
    }
    const prompts = yield* promptInputs(models, axes.promptLength)
    const cells = yield* measureCells(models, planFastCells(axes, models.contextLength), prompts, axes, otherModels)
    yield* Console.error("drift of the block caches against full forwards…")
    const drift = yield* measureDrift(models, prompts.slice(0, axes.drift.prompts), axes.drift.genLength, axes.blockLength)
    return {
      startedAt: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      machine: describeMachine(models.provider, models.intraOpThreads),
      axes,
      cells,
      drift,
    } satisfies FastResults
  })
