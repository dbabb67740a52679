import { Context, type Effect } from "effect"
import type { CachedDenoiser } from "./CachedDenoiser.js"
import type { ModelError } from "./ModelError.js"
import type { LogitsBatch, TokenBatch } from "./Tensors.js"

/**
 * A bidirectional mask predictor: token ids [B, L] -> logits [B, L, V] (logits[b, i] predicts
 * position i). `cached` is there when the model has a block KV cache; the samplers with
 * `cache: "prefix" | "dual"` call only it, those with `cache: "none"` only `denoise`.
 */
export class Denoiser extends Context.Service<Denoiser, {
  readonly denoise: (batch: TokenBatch) => Effect.Effect<LogitsBatch, ModelError>
  readonly cached?: CachedDenoiser
}>()("@unmask/core/Denoiser") {}
