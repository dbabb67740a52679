import { Effect, Layer } from "effect"
import { Denoiser, type LogitsBatch, ModelError, type TokenBatch } from "../../src/index.js"

/** Logits [V] for one position, as a pure function of that row's canvas. */
export type PositionLogits = (canvas: Int32Array, position: number) => ArrayLike<number>

export interface DenoiserDouble {
  readonly layer: Layer.Layer<Denoiser>
  /** Every batch the sampler sent, in order (a copy). */
  readonly calls: Array<TokenBatch>
}

/**
 * TEST DOUBLE for `Denoiser`: a deterministic, pure function of each canvas row, which records
 * its calls. Not a model.
 */
export const testDoubleDenoiser = (vocab: number, positionLogits: PositionLogits): DenoiserDouble => {
  const calls: Array<TokenBatch> = []
  const denoise = (batch: TokenBatch) =>
    Effect.sync((): LogitsBatch => {
      calls.push({ ...batch, ids: batch.ids.slice() })
      const data = new Float32Array(batch.batch * batch.length * vocab)
      for (let row = 0; row < batch.batch; row++) {
        const canvas = batch.ids.subarray(row * batch.length, (row + 1) * batch.length)
        for (let position = 0; position < batch.length; position++) {
          data.set(positionLogits(canvas, position), (row * batch.length + position) * vocab)
        }
      }
      return { data, batch: batch.batch, length: batch.length, vocab }
    })
  return { layer: Layer.succeed(Denoiser, Denoiser.of({ denoise })), calls }
}

/** A TEST DOUBLE denoiser whose every call fails, or answers with logits of the wrong shape. */
export const brokenDenoiser = (kind: "fails" | "wrongShape"): Layer.Layer<Denoiser> =>
  Layer.succeed(Denoiser, Denoiser.of({
    denoise: (batch) =>
      kind === "fails"
        ? Effect.fail(new ModelError({ message: "session closed" }))
        : Effect.succeed({ data: new Float32Array(batch.length), batch: 1, length: batch.length, vocab: 1 }),
  }))

/** Logits that are `height` at `token` and 0 elsewhere. */
export const peak = (vocab: number, token: number, height: number): Float32Array => {
  const logits = new Float32Array(vocab)
  logits[token] = height
  return logits
}

/** FNV-1a-style hash of the canvas and a position, in [0, 2^32): deterministic pseudo-randomness. */
export const hashCanvas = (canvas: Int32Array, position: number): number => {
  let h = 0x811c9dc5 ^ position
  for (const id of canvas) h = Math.imul(h ^ id, 0x01000193)
  return h >>> 0
}

/** Context-dependent pseudo-random logits in [-3, 3): a pure function of the whole canvas. */
export const hashedLogits = (vocab: number): PositionLogits => (canvas, position) => {
  let h = hashCanvas(canvas, position)
  return Float32Array.from({ length: vocab }, () => {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0
    return (h / 2 ** 32) * 6 - 3
  })
}
