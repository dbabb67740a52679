import { type CausalLM, type CausalOutput, ModelError } from "@unmask/core"
import { Context, Effect, Layer, type Scope } from "effect"
import { WorkerConfig } from "../config/WorkerConfig.js"
import { WorkerMetrics } from "../metrics/WorkerMetrics.js"
import { ModelRegistry } from "../models/ModelRegistry.js"
import { emptyKvCache, type KvCache, stackKvCaches, unstackKvCache } from "./KvCache.js"
import { batcherOf, modelBatchers } from "./modelBatchers.js"
import type { RequestStats } from "./RequestStats.js"
import { makeTickBatcher } from "./TickBatcher.js"

interface CausalCall {
  readonly ids: Int32Array
  readonly cache: KvCache
}

const isKvCache = (cache: unknown): cache is KvCache =>
  typeof cache === "object" && cache !== null && "data" in cache && cache.data instanceof Float32Array

/**
 * Core's `CausalLM`, batched per AR model: prefills and decode steps join the next tick of their
 * model, and calls with the same input length and cache length (the graph has no padding mask)
 * run as one [B, S] batch, their KV caches stacked along the batch axis.
 */
export class CausalBatcher extends Context.Service<CausalBatcher, {
  /** `model`: a loaded AR model's name. */
  readonly attach: (model: string, stats: RequestStats) => Effect.Effect<CausalLM["Service"], never, Scope.Scope>
}>()("@unmask/gpu-worker/CausalBatcher") {}

export const CausalBatcherLive = Layer.effect(
  CausalBatcher,
  Effect.gen(function*() {
    const { batching } = yield* WorkerConfig
    const metrics = yield* WorkerMetrics
    const { models } = yield* ModelRegistry

    const batchers = yield* modelBatchers(models, "ar", ({ name, graph }) => {
      const { shape } = graph
      return makeTickBatcher<CausalCall, CausalOutput>({
        graph: "ar",
        model: name,
        groupKey: (call) => `${call.ids.length}:${call.cache.length}`,
        rows: () => 1,
        run: (calls) => {
          const sequence = calls[0]!.ids.length
          const pastLength = calls[0]!.cache.length
          const ids = new Int32Array(calls.length * sequence)
          calls.forEach((call, b) => ids.set(call.ids, b * sequence))
          return graph.run(ids, calls.length, sequence, stackKvCaches(calls.map((call) => call.cache), shape), pastLength).pipe(
            Effect.mapError((error) => new ModelError({ message: error.message })),
            Effect.map(({ logits, presentKv }) => {
              const caches = unstackKvCache(presentKv, calls.length, pastLength + sequence, shape)
              return calls.map((_, b): CausalOutput => {
                const last = ((b + 1) * sequence - 1) * shape.vocab
                return { logits: logits.slice(last, last + shape.vocab), cache: caches[b]! }
              })
            }),
          )
        },
      }, batching, metrics)
    })

    return {
      attach: (model, stats) =>
        batcherOf(batchers, model).pipe(
          Effect.flatMap((batcher) => batcher.attach(stats)),
          Effect.map((submit): CausalLM["Service"] => ({
            prefill: (ids) => submit({ ids, cache: emptyKvCache }),
            step: (token, cache) =>
              isKvCache(cache)
                ? submit({ ids: Int32Array.of(token), cache })
                : Effect.fail(new ModelError({ message: "step called without a cache from prefill" })),
          })),
        ),
    }
  }),
)
