import type { LogitsBatch } from "../model/Tensors.js"
import { assertLossShapes, maskedCrossEntropy } from "./maskedCrossEntropy.js"

/**
 * LLaDA pre-training loss: Σ over masked positions of CE / pMask, divided by B·L
 * (training/losses.py `llada_pretraining_loss`).
 *
 * `logits` [B, L, V] flat; `x0` the clean ids and `masked` (1 = masked) [B, L] flat; `p` the
 * masking probability of each row [B]. Computed in float64.
 */
export const pretrainingLoss = (
  logits: LogitsBatch,
  x0: Int32Array,
  masked: Uint8Array,
  p: ArrayLike<number>,
): number => {
  assertLossShapes(logits, x0, masked, p)
  let total = 0
  for (let row = 0; row < logits.batch; row++) {
    total += maskedCrossEntropy(logits, x0, masked, row, 0) / p[row]!
  }
  return total / (logits.batch * logits.length)
}
