import { crossEntropy } from "@unmask/core"

/**
 * Summed negative log-likelihood (nats) of `sequence[from..]` under next-token logits [S, V]
 * of the same sequence (logits at position i predict token i + 1).
 */
export const continuationNll = (logits: Float32Array, sequence: Int32Array, from: number, vocab: number): number => {
  if (from < 1) throw new Error("position 0 has no prediction; scoring starts at 1")
  let total = 0
  for (let position = from; position < sequence.length; position++) {
    const row = logits.subarray((position - 1) * vocab, position * vocab)
    total += crossEntropy(row, sequence[position]!)
  }
  return total
}
