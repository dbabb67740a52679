import {
  type CachedDenoiser,
  type DenoiserCache,
  ModelError,
  type TokenBatch,
  type Window,
  type WindowPredictions,
  type WindowRequest,
} from "@unmask/core"
import { Effect } from "effect"
import { checkTokenBatch } from "./checkTokenBatch.js"
import { type KvLayout, sliceRows, withoutPositions } from "./kvLayout.js"
import type { CachedGraphInput, CachedGraphOutput } from "./OnnxCachedDiffusionGraph.js"

/** The keys/values of every canvas position after a full forward, and the pasts derived from it per window. */
interface OnnxDenoiserCache extends DenoiserCache {
  readonly batch: number
  readonly kv: Float32Array
  readonly pasts: Map<string, Float32Array>
}

const isOnnxCache = (cache: DenoiserCache): cache is OnnxDenoiserCache => "kv" in cache && cache.kv instanceof Float32Array

export interface CachedGraphFacts {
  readonly vocab: number
  /** 1 with shifted logits (row p − 1 predicts position p), else 0. */
  readonly shift: number
  readonly layout: KvLayout
}

/**
 * The `cached` capability of core's `Denoiser` over one way of running the cache-aware graph
 * (straight, or through the worker's batcher). The graph's logits are raw; with the shifted-logit
 * formulation position p is
 * predicted by row p − 1, so a window [s, e) queries [s − 1, e): position s − 1 is recomputed too
 * and left out of the past. A window's past is gathered once per cache and reused by every step
 * of the block.
 */
export const cachedDenoiserOn = (
  run: (input: CachedGraphInput) => Effect.Effect<CachedGraphOutput, ModelError>,
  { vocab, shift, layout }: CachedGraphFacts,
): CachedDenoiser => {
  /** The window's predictions from a run whose query started at canvas position `queryStart`. */
  const predictionsOf = (output: CachedGraphOutput, batch: number, queryLength: number, queryStart: number, window: Window): WindowPredictions => {
    const offset = window.start - shift - queryStart
    const count = window.end - window.start
    if (output._tag === "Logits") {
      return { _tag: "Logits", logits: { data: sliceRows(output.logits, batch, queryLength, vocab, offset, count), batch, length: count, vocab } }
    }
    return {
      _tag: "Confidence",
      confidence: {
        topTokens: sliceRows(output.topIds, batch, queryLength, 2, offset, count),
        topProbabilities: sliceRows(output.topProbs, batch, queryLength, 2, offset, count),
        entropy: sliceRows(output.entropy, batch, queryLength, 1, offset, count),
        batch,
        length: count,
      },
    }
  }

  const checkWindow = ({ window, batch }: WindowRequest) =>
    Effect.andThen(checkTokenBatch(batch), window.start - shift < 0 || window.end > batch.length || window.start >= window.end
      ? Effect.fail(new ModelError({ message: `window [${window.start}, ${window.end}) cannot be predicted on a canvas of ${batch.length}` }))
      : Effect.void)

  const fetchOf = (request: WindowRequest) => request.wants === "confidence" ? "confidence" : "logits"

  const fullForward = (batch: TokenBatch, fetch: CachedGraphInput["fetch"]): CachedGraphInput => ({
    ids: batch.ids,
    positions: Int32Array.from({ length: batch.batch * batch.length }, (_, i) => i % batch.length),
    batch: batch.batch,
    queryLength: batch.length,
    pastKv: new Float32Array(0),
    pastLength: 0,
    attentionMask: batch.attentionMask ?? new Int32Array(batch.batch * batch.length).fill(1),
    fetch,
  })

  const windowForward = (request: WindowRequest, cache: OnnxDenoiserCache): CachedGraphInput => {
    const { batch, window } = request
    const from = window.start - shift
    const queryLength = window.end - from
    const pastLength = batch.length - queryLength
    const key = `${from}:${window.end}`
    let pastKv = cache.pasts.get(key)
    if (pastKv === undefined) {
      pastKv = withoutPositions(cache.kv, layout, batch.batch, batch.length, from, window.end)
      cache.pasts.set(key, pastKv)
    }
    const ids = new Int32Array(batch.batch * queryLength)
    for (let b = 0; b < batch.batch; b++) ids.set(batch.ids.subarray(b * batch.length + from, b * batch.length + window.end), b * queryLength)
    return {
      ids,
      positions: Int32Array.from({ length: batch.batch * queryLength }, (_, i) => from + (i % queryLength)),
      batch: batch.batch,
      queryLength,
      pastKv,
      pastLength,
      attentionMask: new Int32Array(batch.batch * batch.length).fill(1),
      fetch: fetchOf(request),
    }
  }

  return {
    fill: (request) =>
      checkWindow(request).pipe(
        Effect.andThen(run(fullForward(request.batch, fetchOf(request)))),
        Effect.map((output) => ({
          predictions: predictionsOf(output, request.batch.batch, request.batch.length, 0, request.window),
          cache: { length: request.batch.length, batch: request.batch.batch, kv: output.presentKv, pasts: new Map() } satisfies OnnxDenoiserCache,
        })),
      ),
    refine: (request, cache) =>
      !isOnnxCache(cache) || cache.length !== request.batch.length || cache.batch !== request.batch.batch
        ? Effect.fail(new ModelError({ message: "refine called with a cache from another canvas" }))
        : checkWindow(request).pipe(
          Effect.andThen(Effect.suspend(() => {
            const input = windowForward(request, cache)
            return Effect.map(run(input), (output) =>
              predictionsOf(output, request.batch.batch, input.queryLength, request.window.start - shift, request.window))
          })),
        ),
  }
}
