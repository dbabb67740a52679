import { type CausalLM, type CausalOutput, ModelError } from "@unmask/core"
import { Effect } from "effect"
import { emptyKvCache, isKvCache, type KvCache } from "./KvCache.js"
import type { OnnxCausalGraph } from "./OnnxCausalGraph.js"
import { toModelError } from "./onnxDenoiser.js"

/** One call of the causal graph for one sequence: its new tokens and its cache so far. */
export interface CausalCall {
  readonly ids: Int32Array
  readonly cache: KvCache
}

/** Core's `CausalLM` over one way of running causal calls (straight, or through the worker's batcher). */
export const causalLMOn = (run: (call: CausalCall) => Effect.Effect<CausalOutput, ModelError>): CausalLM["Service"] => ({
  prefill: (ids) =>
    ids.length === 0 ? Effect.fail(new ModelError({ message: "prefill needs at least one token" })) : run({ ids, cache: emptyKvCache }),
  step: (token, cache) =>
    isKvCache(cache)
      ? run({ ids: Int32Array.of(token), cache })
      : Effect.fail(new ModelError({ message: "step called without a cache from prefill" })),
})

/** The last position's logits and the grown cache of one sequence, from a batch-1 run. */
export const causalOutputOf = (logits: Float32Array, vocab: number, cache: KvCache): CausalOutput => ({
  logits: logits.slice(logits.length - vocab),
  cache,
})

/** Core's `CausalLM` over the causal graph's onnxruntime session, one batch-1 run per call. */
export const onnxCausalLM = (graph: OnnxCausalGraph): CausalLM["Service"] =>
  causalLMOn(({ ids, cache }) =>
    graph.run(ids, 1, ids.length, cache.data, cache.length).pipe(
      Effect.mapError(toModelError),
      Effect.map(({ logits, presentKv }) => causalOutputOf(logits, graph.shape.vocab, { data: presentKv, length: cache.length + ids.length })),
    )
  )
