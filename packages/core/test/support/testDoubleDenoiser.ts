import { Effect, Layer } from "effect"
import {
  type CachedDenoiser,
  type ConfidenceBatch,
  Denoiser,
  type LogitsBatch,
  ModelError,
  type TokenBatch,
  type Window,
  type WindowPredictions,
  type WindowRequest,
} from "../../src/index.js"

/** Logits [V] for one position, as a pure function of that row's canvas. */
export type PositionLogits = (canvas: Int32Array, position: number) => ArrayLike<number>

export interface DenoiserDouble {
  readonly layer: Layer.Layer<Denoiser>
  /** Every batch the sampler sent to `Denoiser`, in order (a copy). */
  readonly calls: Array<TokenBatch>
  /** Every call of the `cached` capability, in order. */
  readonly cachedCalls: Array<{ readonly kind: "fill" | "refine"; readonly window: Window; readonly wants: WindowRequest["wants"] }>
}

/** The softmax summary a fused confidence head would compute from logits (mask excluded), in float32. */
const confidenceOf = ({ data, batch, length, vocab }: LogitsBatch, excluded: number): ConfidenceBatch => {
  const rows = batch * length
  const topTokens = new Int32Array(2 * rows)
  const topProbabilities = new Float32Array(2 * rows)
  const entropy = new Float32Array(rows)
  for (let r = 0; r < rows; r++) {
    const row = Array.from(data.subarray(r * vocab, (r + 1) * vocab), (x, v) => (v === excluded ? -Infinity : x))
    const max = Math.max(...row)
    const sum = row.reduce((total, x) => total + Math.exp(x - max), 0)
    const p = row.map((x) => Math.exp(x - max) / sum)
    const order = p.map((_, v) => v).sort((a, b) => p[b]! - p[a]! || a - b)
    topTokens.set([order[0]!, order[1]!], 2 * r)
    topProbabilities.set([p[order[0]!]!, p[order[1]!]!], 2 * r)
    entropy[r] = -p.reduce((total, q) => (q > 0 ? total + q * Math.log(q) : total), 0)
  }
  return { topTokens, topProbabilities, entropy, batch, length }
}

/**
 * TEST DOUBLE for `Denoiser`: a deterministic, pure function of each canvas row, which records
 * its calls. Not a model.
 */
export const testDoubleDenoiser = (
  vocab: number,
  positionLogits: PositionLogits,
  options: { readonly confidenceHead?: { readonly excluded: number } } = {},
): DenoiserDouble => {
  const calls: Array<TokenBatch> = []
  const cachedCalls: DenoiserDouble["cachedCalls"] = []
  /** Row `row`'s real tokens (right padding, mask 0, cut off): padding never changes a real position's logits. */
  const canvasOf = (batch: TokenBatch, row: number) => {
    const canvas = batch.ids.subarray(row * batch.length, (row + 1) * batch.length)
    const mask = batch.attentionMask?.subarray(row * batch.length, (row + 1) * batch.length)
    return mask === undefined ? canvas : canvas.subarray(0, mask.reduce((real, bit) => real + bit, 0))
  }
  const badShape = (batch: TokenBatch) =>
    batch.ids.length !== batch.batch * batch.length ||
      (batch.attentionMask !== undefined && batch.attentionMask.length !== batch.ids.length)
      ? Effect.fail(new ModelError({ message: `ids do not fill [${batch.batch}, ${batch.length}]` }))
      : undefined
  const denoise = (batch: TokenBatch) =>
    badShape(batch) ?? Effect.sync((): LogitsBatch => {
      calls.push({ ...batch, ids: batch.ids.slice() })
      const data = new Float32Array(batch.batch * batch.length * vocab)
      for (let row = 0; row < batch.batch; row++) {
        const canvas = canvasOf(batch, row)
        for (let position = 0; position < canvas.length; position++) {
          data.set(positionLogits(canvas, position), (row * batch.length + position) * vocab)
        }
      }
      return { data, batch: batch.batch, length: batch.length, vocab }
    })
  /** An exact cache: window predictions come from the current canvas, so they equal the full forward's. */
  const windowPredictions = (kind: "fill" | "refine", { batch, window, wants }: WindowRequest): WindowPredictions => {
    cachedCalls.push({ kind, window, wants })
    const length = window.end - window.start
    const data = new Float32Array(batch.batch * length * vocab)
    for (let row = 0; row < batch.batch; row++) {
      const canvas = canvasOf(batch, row)
      for (let i = 0; i < length; i++) data.set(positionLogits(canvas, window.start + i), (row * length + i) * vocab)
    }
    const logits = { data, batch: batch.batch, length, vocab }
    return wants === "confidence" && options.confidenceHead !== undefined
      ? { _tag: "Confidence", confidence: confidenceOf(logits, options.confidenceHead.excluded) }
      : { _tag: "Logits", logits }
  }
  const badWindow = ({ batch, window }: WindowRequest) =>
    badShape(batch) ?? (window.start < 0 || window.end > batch.length || window.start >= window.end
      ? Effect.fail(new ModelError({ message: `window [${window.start}, ${window.end}) is not on a canvas of ${batch.length}` }))
      : undefined)
  const cached: CachedDenoiser = {
    fill: (request) =>
      badWindow(request) ?? Effect.sync(() => ({ predictions: windowPredictions("fill", request), cache: { length: request.batch.length } })),
    refine: (request, cache) =>
      badWindow(request) ?? (cache.length !== request.batch.length
        ? Effect.fail(new ModelError({ message: "refine called with a cache from another canvas" }))
        : Effect.sync(() => windowPredictions("refine", request))),
  }
  return {
    layer: Layer.succeed(Denoiser, Denoiser.of({ denoise, cached })),
    calls,
    cachedCalls,
  }
}

/** A TEST DOUBLE denoiser whose every call fails, or answers with logits of the wrong shape. */
export const brokenDenoiser = (kind: "fails" | "wrongShape"): Layer.Layer<Denoiser> => {
  const answer = (batch: TokenBatch) =>
    kind === "fails"
      ? Effect.fail(new ModelError({ message: "session closed" }))
      : Effect.succeed({ data: new Float32Array(batch.length), batch: 1, length: batch.length, vocab: 1 })
  const predictions = (request: WindowRequest) =>
    Effect.map(answer(request.batch), (logits): WindowPredictions => ({ _tag: "Logits", logits }))
  return Layer.succeed(Denoiser, Denoiser.of({
    denoise: answer,
    cached: {
      fill: (request) => Effect.map(predictions(request), (p) => ({ predictions: p, cache: { length: 0 } })),
      refine: predictions,
    },
  }))
}

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
