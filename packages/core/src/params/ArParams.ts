import { Schema } from "effect"
import { FiniteBetween, IntBetween, withDefault } from "./fields.js"
import { MAX_GEN_LENGTH, MAX_LOGPROBS, MAX_SEED, MAX_TEMPERATURE, MAX_TOP_K } from "./limits.js"

/**
 * Parameters of the autoregressive baseline sampler; temperature 0 is greedy (topK/topP then unused).
 * Branded like `DiffusionParams`: only a decoded value is one.
 */
export const ArParams = Schema.Struct({
  maxTokens: IntBetween(1, MAX_GEN_LENGTH),
  temperature: FiniteBetween(0, MAX_TEMPERATURE).pipe(withDefault(0)),
  topK: Schema.optionalKey(IntBetween(1, MAX_TOP_K)),
  topP: Schema.optionalKey(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1, exclusiveMinimum: true }))),
  stopAtEos: Schema.Boolean.pipe(withDefault(true)),
  seed: IntBetween(0, MAX_SEED).pipe(withDefault(0)),
  /** Given: score every generated token and list this many most likely alternatives (see `TokenLogprob`). */
  logprobs: Schema.optionalKey(IntBetween(0, MAX_LOGPROBS)),
}).pipe(Schema.brand("ArParams"))
export type ArParams = typeof ArParams.Type
