import { type Denoiser, type LogitsBatch, ModelError, type TokenBatch } from "@unmask/core"
import { Effect } from "effect"
import type { ModelConfig } from "../../models/ModelConfig.js"
import { cachedDenoiserOn, type CachedGraphFacts } from "./cachedDenoiserOn.js"
import { checkTokenBatch } from "./checkTokenBatch.js"
import { type KvShape, kvLayoutOf } from "./kvLayout.js"
import type { OnnxCachedDiffusionGraph } from "./OnnxCachedDiffusionGraph.js"
import type { OnnxDiffusionGraph } from "./OnnxDiffusionGraph.js"
import type { OnnxRuntimeError } from "./OnnxRuntimeError.js"

export const toModelError = (error: OnnxRuntimeError): ModelError => new ModelError({ message: error.message })

/** What the cache-aware adapter needs to know of a diffusion model. */
export const cachedGraphFacts = (config: ModelConfig, shape: KvShape): CachedGraphFacts => ({
  vocab: config.vocab_size,
  shift: config.architecture.shifted_logits === true ? 1 : 0,
  layout: kvLayoutOf(shape),
})

/** A diffusion model's graphs as the model registry opens them. */
export interface DiffusionGraphs {
  readonly config: ModelConfig
  readonly graph: OnnxDiffusionGraph
  readonly cachedGraph: OnnxCachedDiffusionGraph | undefined
}

export interface OnnxDenoiserOptions {
  /** `false` always fetches full logits from the cache-aware graph, even when a confidence summary would do (default `true`). */
  readonly confidenceHead?: boolean
}

/**
 * Core's `Denoiser` over a diffusion model's onnxruntime sessions, one graph run per call (any
 * batch, rows right-padded by `attentionMask`), with the `cached` capability when the model ships
 * a cache-aware graph. The worker's batchers merge many generations' calls into one of these.
 */
export const onnxDenoiser = ({ config, graph, cachedGraph }: DiffusionGraphs, options: OnnxDenoiserOptions = {}): Denoiser["Service"] => {
  const vocab = config.vocab_size
  const denoise = (batch: TokenBatch) =>
    checkTokenBatch(batch).pipe(
      Effect.andThen(graph.run(batch.ids, batch.attentionMask ?? new Int32Array(batch.ids.length).fill(1), batch.batch, batch.length)),
      Effect.mapError((error) => error._tag === "ModelError" ? error : toModelError(error)),
      Effect.filterOrFail(
        (data) => data.length === batch.batch * batch.length * vocab,
        (data) => new ModelError({ message: `diffusion graph returned ${data.length} logits for [${batch.batch}, ${batch.length}, ${vocab}]` }),
      ),
      Effect.map((data): LogitsBatch => ({ data, batch: batch.batch, length: batch.length, vocab })),
    )
  if (cachedGraph === undefined) return { denoise }
  const confidenceHead = options.confidenceHead ?? true
  const cached = cachedDenoiserOn(
    (input) => cachedGraph.run(confidenceHead ? input : { ...input, fetch: "logits" }).pipe(Effect.mapError(toModelError)),
    cachedGraphFacts(config, cachedGraph.shape),
  )
  return { denoise, cached }
}
