import { ModelError, type TokenBatch } from "@unmask/core"
import { Effect } from "effect"

/** Fails with `ModelError` unless the ids (and the mask, when given) fill [batch, length]. */
export const checkTokenBatch = (batch: TokenBatch): Effect.Effect<void, ModelError> => {
  const size = batch.batch * batch.length
  const fits = batch.batch > 0 && batch.length > 0 && batch.ids.length === size &&
    (batch.attentionMask === undefined || batch.attentionMask.length === size)
  return fits ? Effect.void : Effect.fail(
    new ModelError({
      message: `a token batch of [${batch.batch}, ${batch.length}] needs ${size} ids` +
        `${batch.attentionMask === undefined ? "" : " and mask values"}, got ${batch.ids.length}` +
        `${batch.attentionMask === undefined ? "" : ` and ${batch.attentionMask.length}`}`,
    }),
  )
}
