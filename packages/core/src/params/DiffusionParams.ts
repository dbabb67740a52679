import { Schema } from "effect"
import { FiniteBetween, IntBetween, withDefault } from "./fields.js"
import { MAX_CFG_SCALE, MAX_GEN_LENGTH, MAX_SEED, MAX_STEPS, MAX_TEMPERATURE } from "./limits.js"

/** How a diffusion step ranks masked positions; the highest-ranked are committed. */
export const Remasking = Schema.Literals(["low_confidence", "random", "margin", "entropy"])
export type Remasking = typeof Remasking.Type

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

/**
 * Parameters of the diffusion sampler. `blockLength` defaults to `genLength` (one block);
 * `threshold` switches on Fast-dLLM parallel decoding (the step count becomes dynamic and
 * `steps` then only has to be a valid schedule).
 */
export const DiffusionParams = Schema.Struct({
  genLength: IntBetween(1, MAX_GEN_LENGTH),
  steps: IntBetween(1, MAX_STEPS),
  blockLength: Schema.optionalKey(IntBetween(1, MAX_GEN_LENGTH)),
  remasking: Remasking,
  temperature: FiniteBetween(0, MAX_TEMPERATURE).pipe(withDefault(0)),
  cfgScale: FiniteBetween(0, MAX_CFG_SCALE).pipe(withDefault(0)),
  threshold: Schema.optionalKey(FiniteBetween(0, 1)),
  stopAtEos: Schema.Boolean.pipe(withDefault(false)),
  seed: IntBetween(0, MAX_SEED).pipe(withDefault(0)),
}).check(blockStructure)
export type DiffusionParams = typeof DiffusionParams.Type
