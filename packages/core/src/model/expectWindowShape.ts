import { Effect } from "effect"
import { expectLogitsShape } from "./expectLogitsShape.js"
import { ModelError } from "./ModelError.js"
import type { WindowRequest } from "./CachedDenoiser.js"
import type { WindowPredictions } from "./WindowPredictions.js"

/**
 * Fails with `ModelError` unless an adapter's window predictions have exactly the expected shape,
 * and are logits when logits were asked for (a confidence summary may always be answered with logits).
 */
export const expectWindowShape = (
  predictions: WindowPredictions,
  expected: { readonly batch: number; readonly length: number; readonly vocab: number; readonly wants: WindowRequest["wants"] },
): Effect.Effect<WindowPredictions, ModelError> => {
  if (predictions._tag === "Logits") return Effect.as(expectLogitsShape(predictions.logits, expected), predictions)
  if (expected.wants === "logits") return Effect.fail(new ModelError({ message: "asked for logits, got a confidence summary" }))
  const { topTokens, topProbabilities, entropy, batch, length } = predictions.confidence
  const rows = expected.batch * expected.length
  const matches = batch === expected.batch && length === expected.length && topTokens.length === 2 * rows &&
    topProbabilities.length === 2 * rows && entropy.length === rows
  return matches ? Effect.succeed(predictions) : Effect.fail(
    new ModelError({ message: `expected a confidence summary of [${expected.batch}, ${expected.length}], got [${batch}, ${length}]` }),
  )
}
