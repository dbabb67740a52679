import type { Denoiser, LogitsBatch, TokenBatch } from "@unmask/core"
import { Context, Effect, Layer, type Scope } from "effect"
import { checkTokenBatch } from "../backends/onnx/checkTokenBatch.js"
import { onnxDenoiser } from "../backends/onnx/onnxDenoiser.js"
import { WorkerConfig } from "../config/WorkerConfig.js"
import { WorkerMetrics } from "../metrics/WorkerMetrics.js"
import { ModelRegistry } from "../models/ModelRegistry.js"
import { batcherOf, modelBatchers } from "./modelBatchers.js"
import { mergeTokenBatches, splitLogits } from "./mergeTokenBatches.js"
import type { RequestStats } from "./RequestStats.js"
import { makeTickBatcher } from "./TickBatcher.js"

/**
 * Core's `Denoiser`, batched per diffusion model: every generation's `denoise([B, L])` call joins
 * the next tick of its model, whose calls are right-padded to the longest L (attention_mask 0 on
 * padding, which the graph masks as keys, so real positions are unchanged) and run as one
 * [ΣB, max L] call of the model's ONNX adapter.
 */
export class DenoiseBatcher extends Context.Service<DenoiseBatcher, {
  /** `model`: a loaded diffusion model's name. The adapter's other capabilities (`cached`) are not batched. */
  readonly attach: (model: string, stats: RequestStats) => Effect.Effect<Denoiser["Service"], never, Scope.Scope>
}>()("@unmask/gpu-worker/DenoiseBatcher") {}

export const DenoiseBatcherLive = Layer.effect(
  DenoiseBatcher,
  Effect.gen(function*() {
    const { batching } = yield* WorkerConfig
    const metrics = yield* WorkerMetrics
    const { models } = yield* ModelRegistry

    const batchers = yield* modelBatchers(models, "diffusion", (diffusion) => {
      const adapter = onnxDenoiser(diffusion)
      return Effect.map(
        makeTickBatcher<TokenBatch, LogitsBatch>({
          graph: "diffusion",
          model: diffusion.name,
          groupKey: () => "any length",
          rows: (input) => input.batch,
          run: (inputs) => {
            const merged = mergeTokenBatches(inputs, diffusion.config.special_tokens.pad)
            return Effect.map(adapter.denoise(merged), (logits) => splitLogits(logits.data, merged, inputs, logits.vocab))
          },
        }, batching, metrics),
        (batcher) => ({ adapter, batcher }),
      )
    })

    return {
      attach: (model, stats) =>
        batcherOf(batchers, model).pipe(
          Effect.flatMap(({ adapter, batcher }) =>
            // A malformed batch fails its own call before it can be merged with other generations' calls.
            Effect.map(batcher.attach(stats), (submit) => ({ ...adapter, denoise: (batch) => Effect.andThen(checkTokenBatch(batch), submit(batch)) }))
          ),
        ),
    }
  }),
)
