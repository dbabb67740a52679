import type { Effect } from "effect"
import type { ModelError } from "./ModelError.js"
import type { TokenBatch } from "./Tensors.js"
import type { Window, WindowPredictions } from "./WindowPredictions.js"

/** Keys and values of every canvas position from one full forward; what is inside is the adapter's business. */
export interface DenoiserCache {
  readonly length: number
}

/** What a cached step asks for: the whole canvas (rows as in `Denoiser`), the window to predict, and whether a confidence summary is enough. */
export interface WindowRequest {
  readonly batch: TokenBatch
  readonly window: Window
  /** `confidence` only when the sampler needs no full logits (greedy, no guidance); the adapter may still answer with logits. */
  readonly wants: "logits" | "confidence"
}

/**
 * A denoiser's block KV cache (Fast-dLLM), the optional `cached` capability of `Denoiser`. `fill`
 * is a full forward that also returns every position's keys/values; `refine` recomputes only the
 * window's positions and lets them attend to the cache for all the others (an approximation once
 * the canvas has changed since the fill, exact before).
 */
export interface CachedDenoiser {
  readonly fill: (request: WindowRequest) => Effect.Effect<{ readonly predictions: WindowPredictions; readonly cache: DenoiserCache }, ModelError>
  readonly refine: (request: WindowRequest, cache: DenoiserCache) => Effect.Effect<WindowPredictions, ModelError>
}
