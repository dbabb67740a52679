import { Context, type Effect } from "effect"
import type { ModelError } from "./ModelError.js"
import type { LogitsBatch, TokenBatch } from "./Tensors.js"

/** A bidirectional mask predictor: token ids [B, L] -> logits [B, L, V] (logits[b, i] predicts position i). */
export class Denoiser extends Context.Service<Denoiser, {
  readonly denoise: (batch: TokenBatch) => Effect.Effect<LogitsBatch, ModelError>
}>()("@unmask/core/Denoiser") {}
