import { Schema } from "effect"
import { FiniteBetween, IntBetween, withDefault } from "./fields.js"
import { MAX_CFG_SCALE, MAX_FACTOR, MAX_GEN_LENGTH, MAX_LOGPROBS, MAX_SEED, MAX_STEPS, MAX_TEMPERATURE } from "./limits.js"

/** How a diffusion step ranks masked positions; the highest-ranked are committed. */
export const Remasking = Schema.Literals(["low_confidence", "random", "margin", "entropy"])
export type Remasking = typeof Remasking.Type

/**
 * Fast-dLLM's block KV cache: `none` runs the whole canvas every step; `prefix` caches everything
 * left of the current block; `dual` caches both sides and runs only the block. Caches are refilled
 * by a full forward at every block start.
 */
export const CacheMode = Schema.Literals(["none", "prefix", "dual"])
export type CacheMode = typeof CacheMode.Type

const blockStructure = Schema.makeFilter<{
  readonly genLength: number
  readonly steps: number
  readonly blockLength?: number
}>(({ genLength, steps, blockLength = genLength }) => {
  if (steps > genLength) return { path: ["steps"], issue: `steps (${steps}) must not exceed genLength (${genLength})` }
  if (blockLength > genLength) {
    return { path: ["blockLength"], issue: `blockLength (${blockLength}) must not exceed genLength (${genLength})` }
  }
  if (genLength % blockLength !== 0) {
    return { path: ["blockLength"], issue: `genLength (${genLength}) must be a multiple of blockLength (${blockLength})` }
  }
  const blocks = genLength / blockLength
  if (steps % blocks !== 0) {
    return { path: ["steps"], issue: `steps (${steps}) must be a multiple of the number of blocks (${blocks})` }
  }
  return undefined
})

const oneParallelRule = Schema.makeFilter<{ readonly threshold?: number; readonly factor?: number }>(
  ({ threshold, factor }) =>
    threshold !== undefined && factor !== undefined
      ? { path: ["factor"], issue: "threshold and factor are alternative rules: give one of them" }
      : undefined,
)

/**
 * Parameters of the diffusion sampler. `blockLength` defaults to `genLength` (one block);
 * `threshold` or `factor` switches on Fast-dLLM parallel decoding (the step count becomes dynamic
 * and `steps` then only has to be a valid schedule). The type is branded: only a decoded value
 * (`decodeParams(DiffusionParams)`, `resolveGenerationParams`) is one, so the samplers trust it as it is.
 */
export const DiffusionParams = Schema.Struct({
  genLength: IntBetween(1, MAX_GEN_LENGTH),
  steps: IntBetween(1, MAX_STEPS),
  blockLength: Schema.optionalKey(IntBetween(1, MAX_GEN_LENGTH)),
  remasking: Remasking,
  temperature: FiniteBetween(0, MAX_TEMPERATURE).pipe(withDefault(0)),
  cfgScale: FiniteBetween(0, MAX_CFG_SCALE).pipe(withDefault(0)),
  threshold: Schema.optionalKey(FiniteBetween(0, 1)),
  factor: Schema.optionalKey(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: MAX_FACTOR, exclusiveMinimum: true }))),
  cache: CacheMode.pipe(withDefault("none")),
  stopAtEos: Schema.Boolean.pipe(withDefault(false)),
  seed: IntBetween(0, MAX_SEED).pipe(withDefault(0)),
  /** Given: score every committed token and list this many most likely alternatives (see `TokenLogprob`). */
  logprobs: Schema.optionalKey(IntBetween(0, MAX_LOGPROBS)),
}).check(blockStructure, oneParallelRule).pipe(Schema.brand("DiffusionParams"))
export type DiffusionParams = typeof DiffusionParams.Type
