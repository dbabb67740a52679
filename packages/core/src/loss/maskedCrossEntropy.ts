import type { LogitsBatch } from "../model/Tensors.js"
import { crossEntropy } from "./logSoftmax.js"

/** Throws a RangeError unless targets, mask and per-row probabilities fit the logits' [B, L, V]. */
export const assertLossShapes = (
  logits: LogitsBatch,
  targets: Int32Array,
  masked: Uint8Array,
  p: ArrayLike<number>,
): void => {
  const { batch, length, vocab } = logits
  const tokens = batch * length
  if (logits.data.length !== tokens * vocab) throw new RangeError(`logits hold ${logits.data.length} values, expected ${tokens * vocab}`)
  if (targets.length !== tokens) throw new RangeError(`x0 holds ${targets.length} ids, expected ${tokens}`)
  if (masked.length !== tokens) throw new RangeError(`masked holds ${masked.length} flags, expected ${tokens}`)
  if (p.length !== batch) throw new RangeError(`p holds ${p.length} probabilities, expected one per row (${batch})`)
}

/** Σ over masked positions `from ≤ i < L` of row `row` of the cross-entropy −log softmax(logits[row, i])[x0[row, i]]. */
export const maskedCrossEntropy = (
  logits: LogitsBatch,
  targets: Int32Array,
  masked: Uint8Array,
  row: number,
  from: number,
): number => {
  const { length, vocab, data } = logits
  let sum = 0
  for (let i = row * length + from; i < (row + 1) * length; i++) {
    if (masked[i] !== 1) continue
    const target = targets[i] ?? -1
    if (target < 0 || target >= vocab) throw new RangeError(`target id ${target} is outside the vocabulary [0, ${vocab})`)
    sum += crossEntropy(data.subarray(i * vocab, (i + 1) * vocab), target)
  }
  return sum
}
