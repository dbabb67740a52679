import { Schema } from "effect"

const Ids = Schema.Array(Schema.Number)

/**
 * The data of one SSE `step` event: the canvas after one denoising step (AR: after one token).
 * `step` counts from 0; `block` is the semi-AR block index (AR: 0); `nfe` counts model calls so far.
 */
export const StepFrame = Schema.Struct({
  step: Schema.Number,
  block: Schema.Number,
  /** The generated region decoded up to the first end-of-text token; masks shown as `[MASK]`. */
  text: Schema.String,
  /** Positions committed in this step, 0-based in the generated region. */
  committed: Ids,
  nfe: Schema.Number,
  /** Generated-region ids, the mask id where still masked. Diffusion: always `maxTokens` long; AR: the tokens so far. */
  tokens: Ids,
  /** Infilling only: the whole canvas after BOS (fixed spans included), the mask id where still masked. */
  canvas: Schema.optionalKey(Ids),
  /** Infilling only: the fixed spans of `canvas` as [start, end); every other position is generated, in `tokens` order. */
  fixed: Schema.optionalKey(Schema.Array(Schema.Tuple([Schema.Number, Schema.Number]))),
})
export type StepFrame = typeof StepFrame.Type
