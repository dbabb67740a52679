import type { CachedDenoiser, CausalLM, Denoiser, ModelError, TokenIds } from "@unmask/core"
import type { Effect } from "effect"

/** The two served models as the bench drives them: core's services, unbatched, plus what scoring needs. */
export interface BenchModels {
  readonly provider: "cpu" | "cuda"
  readonly intraOpThreads: number
  readonly contextLength: number
  readonly bosId: number
  readonly diffusionIds: TokenIds
  readonly arIds: TokenIds
  /** With the `cached` capability on the cache-aware graph, confidence head on. */
  readonly denoiser: Denoiser["Service"]
  /** The `cached` capability alone; `confidenceHead: false` always fetches full logits. */
  readonly cachedDenoiser: (options: { readonly confidenceHead: boolean }) => CachedDenoiser
  readonly causalLM: CausalLM["Service"]
  /** One uncached forward of the AR model: next-token logits at every position, [S, V]. */
  readonly arSequenceLogits: (ids: Int32Array) => Effect.Effect<Float32Array, ModelError>
  readonly encode: (text: string) => Effect.Effect<Int32Array>
  /** Special tokens are skipped. */
  readonly decode: (ids: ReadonlyArray<number>) => Effect.Effect<string>
}
