import { Effect } from "effect"
import type { BenchModels } from "../models/BenchModels.js"
import { fixedPrompts } from "../quality/fixedPrompts.js"

/** BOS + the first `promptLength` tokens of each fixed prompt. */
export const promptInputs = (models: BenchModels, promptLength: number) =>
  Effect.forEach(fixedPrompts, (text, index) =>
    Effect.gen(function*() {
      const tokens = yield* models.encode(text)
      if (tokens.length < promptLength) {
        return yield* Effect.die(new Error(`fixed prompt ${index} has ${tokens.length} tokens, fewer than P = ${promptLength}`))
      }
      return Int32Array.from([models.bosId, ...tokens.subarray(0, promptLength)])
    }))
