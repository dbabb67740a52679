import { Effect } from "effect"
import { ModelError } from "./ModelError.js"
import type { LogitsBatch } from "./Tensors.js"

/** Fails with `ModelError` unless an adapter returned logits of exactly [batch, length, vocab]. */
export const expectLogitsShape = (
  logits: LogitsBatch,
  expected: { readonly batch: number; readonly length: number; readonly vocab: number },
): Effect.Effect<LogitsBatch, ModelError> => {
  const { batch, length, vocab } = expected
  const matches = logits.batch === batch && logits.length === length && logits.vocab === vocab &&
    logits.data.length === batch * length * vocab
  return matches
    ? Effect.succeed(logits)
    : Effect.fail(new ModelError({
      message: `expected logits [${batch}, ${length}, ${vocab}], got [${logits.batch}, ${logits.length}, ${logits.vocab}] ` +
        `holding ${logits.data.length} values`,
    }))
}
