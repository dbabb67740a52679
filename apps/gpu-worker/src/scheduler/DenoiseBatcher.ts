import { type Denoiser, type LogitsBatch, ModelError, type TokenBatch } from "@unmask/core"
import { Context, Effect, Layer, type Scope } from "effect"
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
 * [ΣB, max L] batch.
 */
export class DenoiseBatcher extends Context.Service<DenoiseBatcher, {
  /** `model`: a loaded diffusion model's name. */
  readonly attach: (model: string, stats: RequestStats) => Effect.Effect<Denoiser["Service"], never, Scope.Scope>
}>()("@unmask/gpu-worker/DenoiseBatcher") {}

export const DenoiseBatcherLive = Layer.effect(
  DenoiseBatcher,
  Effect.gen(function*() {
    const { batching } = yield* WorkerConfig
    const metrics = yield* WorkerMetrics
    const { models } = yield* ModelRegistry

    const batchers = yield* modelBatchers(models, "diffusion", (diffusion) => {
      const vocab = diffusion.config.vocab_size
      return makeTickBatcher<TokenBatch, LogitsBatch>({
        graph: "diffusion",
        model: diffusion.name,
        groupKey: () => "any length",
        rows: (input) => input.batch,
        run: (inputs) => {
          const merged = mergeTokenBatches(inputs, diffusion.config.special_tokens.pad)
          return diffusion.graph.run(merged.ids, merged.attentionMask, merged.batch, merged.length).pipe(
            Effect.mapError((error) => new ModelError({ message: error.message })),
            Effect.filterOrFail(
              (logits) => logits.length === merged.batch * merged.length * vocab,
              (logits) => new ModelError({ message: `diffusion graph returned ${logits.length} logits for [${merged.batch}, ${merged.length}, ${vocab}]` }),
            ),
            Effect.map((logits) => splitLogits(logits, merged, inputs, vocab)),
          )
        },
      }, batching, metrics)
    })

    return {
      attach: (model, stats) =>
        batcherOf(batchers, model).pipe(
          Effect.flatMap((batcher) => batcher.attach(stats)),
          Effect.map((submit) => ({ denoise: submit })),
        ),
    }
  }),
)
