import type { CausalLM, CausalOutput } from "@unmask/core"
import { Context, Effect, Layer, type Scope } from "effect"
import { stackKvCaches, unstackKvCache } from "../backends/onnx/KvCache.js"
import { type CausalCall, causalLMOn, causalOutputOf } from "../backends/onnx/onnxCausalLM.js"
import { toModelError } from "../backends/onnx/onnxDenoiser.js"
import { WorkerConfig } from "../config/WorkerConfig.js"
import { WorkerMetrics } from "../metrics/WorkerMetrics.js"
import { ModelRegistry } from "../models/ModelRegistry.js"
import { batcherOf, modelBatchers } from "./modelBatchers.js"
import type { RequestStats } from "./RequestStats.js"
import { makeTickBatcher } from "./TickBatcher.js"

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
            Effect.mapError(toModelError),
            Effect.map(({ logits, presentKv }) => {
              const caches = unstackKvCache(presentKv, calls.length, pastLength + sequence, shape)
              return calls.map((_, b): CausalOutput =>
                causalOutputOf(logits.subarray(b * sequence * shape.vocab, (b + 1) * sequence * shape.vocab), shape.vocab, caches[b]!)
              )
            }),
          )
        },
      }, batching, metrics)
    })

    return {
      attach: (model, stats) =>
        batcherOf(batchers, model).pipe(
          Effect.flatMap((batcher) => batcher.attach(stats)),
          Effect.map(causalLMOn),
        ),
    }
  }),
)
