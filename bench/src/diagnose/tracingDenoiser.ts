import type { Denoiser } from "@unmask/core"
import { Effect } from "effect"
import type { TracedCall } from "./DenoiseTrace.js"

/** Top-1 id and softmax probability at every position of a [1, L, V] logits row, `maskId` excluded. */
export const topOne = (logits: Float32Array, length: number, vocab: number, maskId: number) => {
  const topIds = new Int32Array(length)
  const topProbs = new Float32Array(length)
  for (let i = 0; i < length; i++) {
    const row = i * vocab
    let best = -1
    let max = -Infinity
    for (let v = 0; v < vocab; v++) {
      if (v === maskId) continue
      const x = logits[row + v]!
      if (x > max) {
        max = x
        best = v
      }
    }
    let sum = 0
    for (let v = 0; v < vocab; v++) if (v !== maskId) sum += Math.exp(logits[row + v]! - max)
    topIds[i] = best
    topProbs[i] = 1 / sum
  }
  return { topIds, topProbs }
}

/** Wraps a batch-1 denoiser and keeps what every call saw and predicted. */
export const tracingDenoiser = (inner: Denoiser["Service"], maskId: number, calls: Array<TracedCall>): Denoiser["Service"] => ({
  denoise: (batch) =>
    Effect.tap(inner.denoise(batch), (logits) =>
      Effect.sync(() => {
        if (logits.batch !== 1) throw new Error("the trace records batch-1 calls only")
        calls.push({ canvas: batch.ids.slice(), ...topOne(logits.data, logits.length, logits.vocab, maskId) })
      })),
})
