import type { ModelError } from "@unmask/core"
import { Effect } from "effect"
import type { BenchModels } from "../models/BenchModels.js"
import { summarize } from "../stats/summarize.js"
import type { CallProfileAxes } from "./GridPlan.js"
import type { CallTiming } from "./GridResults.js"

/** Times `call` `repeats` times after `warmupCalls` discarded ones. */
const timeCalls = <E>(call: Effect.Effect<unknown, E>, axes: CallProfileAxes) =>
  Effect.gen(function*() {
    for (let i = 0; i < axes.warmupCalls; i++) yield* call
    const samples: Array<number> = []
    for (let i = 0; i < axes.repeats; i++) {
      const started = performance.now()
      yield* call
      samples.push(performance.now() - started)
    }
    return summarize(samples)
  })

/** A canvas as the sampler sends it at its first step: BOS, then masks. Content does not change the cost. */
const maskedCanvas = (models: BenchModels, batch: number, length: number) => {
  const ids = new Int32Array(batch * length).fill(models.diffusionIds.maskId)
  for (let row = 0; row < batch; row++) ids[row * length] = models.bosId
  return { ids, batch, length }
}

const diffusionCall = (models: BenchModels, batch: number, length: number, axes: CallProfileAxes) =>
  Effect.map(
    timeCalls(models.denoiser.denoise(maskedCanvas(models, batch, length)), axes),
    (ms): CallTiming => ({ batch, length, pastLength: 0, ms }),
  )

const arStep = (models: BenchModels, pastLength: number, axes: CallProfileAxes) =>
  Effect.gen(function*() {
    const prefix = new Int32Array(pastLength).fill(models.bosId)
    const { cache } = yield* models.causalLM.prefill(prefix)
    const ms = yield* timeCalls(models.causalLM.step(models.bosId, cache), axes)
    return { batch: 1, length: 1, pastLength, ms } satisfies CallTiming
  })

/**
 * The cost of single model calls by shape, the data the cost model is fitted on: diffusion calls
 * over L positions, AR single-token steps after P cached positions, and diffusion batches.
 */
export const profileCalls = (models: BenchModels, axes: CallProfileAxes): Effect.Effect<{
  readonly diffusion: ReadonlyArray<CallTiming>
  readonly arStep: ReadonlyArray<CallTiming>
  readonly diffusionBatches: ReadonlyArray<CallTiming>
}, ModelError> =>
  Effect.gen(function*() {
    const lengths = axes.diffusionLengths.filter((length) => length <= models.contextLength)
    const pastLengths = axes.arPastLengths.filter((past) => past >= 1 && past < models.contextLength)
    return {
      diffusion: yield* Effect.forEach(lengths, (length) => diffusionCall(models, 1, length, axes)),
      arStep: yield* Effect.forEach(pastLengths, (past) => arStep(models, past, axes)),
      diffusionBatches: yield* Effect.forEach(axes.batchSizes, (batch) => diffusionCall(models, batch, axes.batchLength, axes)),
    }
  })
