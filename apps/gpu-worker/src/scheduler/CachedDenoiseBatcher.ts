import type { Denoiser } from "@unmask/core"
import { Context, Effect, Layer, type Scope } from "effect"
import type { CachedGraphInput, CachedGraphOutput } from "../backends/onnx/OnnxCachedDiffusionGraph.js"
import { cachedGraphFacts, onnxDenoiser, toModelError } from "../backends/onnx/onnxDenoiser.js"
import { WorkerConfig, type WorkerSettings } from "../config/WorkerConfig.js"
import { WorkerMetrics } from "../metrics/WorkerMetrics.js"
import type { LoadedDiffusionModel } from "../models/LoadedModel.js"
import { ModelRegistry } from "../models/ModelRegistry.js"
import { cachedDenoiserOn } from "../backends/onnx/cachedDenoiserOn.js"
import { concatBatches, kvRowSize, splitBatches } from "../backends/onnx/kvLayout.js"
import { batcherOf, modelBatchers } from "./modelBatchers.js"
import type { RequestStats } from "./RequestStats.js"
import { makeTickBatcher } from "./TickBatcher.js"

const concatInt32 = (parts: ReadonlyArray<Int32Array>): Int32Array => {
  const out = new Int32Array(parts.reduce((size, part) => size + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/**
 * The `cached` capability of core's `Denoiser` on the cache-aware graph, batched per diffusion
 * model: calls of one model with the same query length, past length and output join one run along
 * the batch axis.
 */
export class CachedDenoiseBatcher extends Context.Service<CachedDenoiseBatcher, {
  /** `model`: a loaded diffusion model with a cache-aware graph. The adapter's plain `denoise` is not batched. */
  readonly attach: (model: string, stats: RequestStats) => Effect.Effect<Denoiser["Service"], never, Scope.Scope>
}>()("@unmask/gpu-worker/CachedDenoiseBatcher") {}

const cachedBatcherFor = (diffusion: LoadedDiffusionModel, batching: WorkerSettings["batching"], metrics: WorkerMetrics["Service"]) =>
  Effect.gen(function*() {
    const graph = diffusion.cachedGraph
    if (graph === undefined) return undefined
    const adapter = onnxDenoiser(diffusion)
    const facts = cachedGraphFacts(diffusion.config, graph.shape)
    const { vocab, layout } = facts
    const kvRow = (positions: number) => kvRowSize(layout, positions)

    const batcher = yield* makeTickBatcher<CachedGraphInput, CachedGraphOutput>({
      graph: "diffusion_cached",
      model: diffusion.name,
      groupKey: (input) => `${input.queryLength}:${input.pastLength}:${input.fetch}`,
      rows: (input) => input.batch,
      run: (inputs) => {
        const first = inputs[0]!
        const batches = inputs.map((input) => input.batch)
        const merged: CachedGraphInput = inputs.length === 1 ? first : {
          ...first,
          ids: concatInt32(inputs.map((input) => input.ids)),
          positions: concatInt32(inputs.map((input) => input.positions)),
          attentionMask: concatInt32(inputs.map((input) => input.attentionMask)),
          pastKv: concatBatches(inputs.map((input) => ({ data: input.pastKv, batch: input.batch })), layout.outer, kvRow(first.pastLength)),
          batch: batches.reduce((rows, batch) => rows + batch, 0),
        }
        return graph.run(merged).pipe(
          Effect.mapError(toModelError),
          Effect.map((output) => inputs.length === 1 ? [output] : splitOutput(output, batches, first.queryLength)),
        )
      },
    }, batching, metrics)

    const splitOutput = (output: CachedGraphOutput, batches: ReadonlyArray<number>, queryLength: number): Array<CachedGraphOutput> => {
      const presents = splitBatches(output.presentKv, batches, layout.outer, kvRow(queryLength))
      const rowsOf = <T extends Float32Array | Int32Array>(data: T, rowSize: number): Array<T> => {
        let row = 0
        return batches.map((batch) => {
          const part = data.subarray(row * queryLength * rowSize, (row + batch) * queryLength * rowSize) as T
          row += batch
          return part
        })
      }
      if (output._tag === "Logits") {
        const logits = rowsOf(output.logits, vocab)
        return presents.map((presentKv, i) => ({ _tag: "Logits", logits: logits[i]!, presentKv }))
      }
      const topIds = rowsOf(output.topIds, 2)
      const topProbs = rowsOf(output.topProbs, 2)
      const entropy = rowsOf(output.entropy, 1)
      return presents.map((presentKv, i) => ({ _tag: "Confidence", topIds: topIds[i]!, topProbs: topProbs[i]!, entropy: entropy[i]!, presentKv }))
    }

    return (stats: RequestStats) =>
      Effect.map(batcher.attach(stats), (submit): Denoiser["Service"] => ({ ...adapter, cached: cachedDenoiserOn(submit, facts) }))
  })

export const CachedDenoiseBatcherLive = Layer.effect(
  CachedDenoiseBatcher,
  Effect.gen(function*() {
    const { batching } = yield* WorkerConfig
    const metrics = yield* WorkerMetrics
    const { models } = yield* ModelRegistry
    const batchers = yield* modelBatchers(models, "diffusion", (diffusion) => cachedBatcherFor(diffusion, batching, metrics))
    return {
      attach: (model, stats) => Effect.flatMap(batcherOf(batchers, model), (attach) => attach(stats)),
    }
  }),
)
