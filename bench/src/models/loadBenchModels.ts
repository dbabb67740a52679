import { ModelError } from "@unmask/core"
import {
  ModelRegistry,
  ModelRegistryLive,
  onnxCausalLM,
  onnxDenoiser,
  parseWorkerConfig,
  TextTokenizer,
  TextTokenizerLive,
  WorkerConfig,
} from "@unmask/gpu-worker"
import { Context, Effect, Layer, type Scope } from "effect"
import type { BenchModels } from "./BenchModels.js"

export interface BenchModelOptions {
  readonly modelDir: string
  readonly executionProvider: "cpu" | "cuda" | "auto"
  readonly intraOpThreads: number
  /** The diffusion model directory under modelDir (default `diffusion`). */
  readonly diffusionModel?: string
}

/**
 * Loads the worker's model registry and tokenizer and exposes the worker's unbatched ONNX adapters
 * (core's services, one graph run per call): no batching window, no admission queue, no HTTP.
 */
export const loadBenchModels = (options: BenchModelOptions): Effect.Effect<BenchModels, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const diffusionModel = options.diffusionModel ?? "diffusion"
    const settings = yield* parseWorkerConfig({
      MODEL_DIR: options.modelDir,
      EXECUTION_PROVIDER: options.executionProvider,
      ORT_INTRA_OP_THREADS: String(options.intraOpThreads),
      ALLOW_UNSIGNED: "1",
      MODELS: `${diffusionModel},ar`,
    })
    const services = yield* Layer.build(
      TextTokenizerLive.pipe(Layer.provideMerge(ModelRegistryLive), Layer.provide(Layer.succeed(WorkerConfig, settings))),
    )
    const { provider, models } = Context.get(services, ModelRegistry)
    const diffusion = models.get(diffusionModel)
    const ar = models.get("ar")
    if (diffusion?.kind !== "diffusion" || ar?.kind !== "ar") return yield* Effect.fail(new Error(`${options.modelDir} lacks the ${diffusionModel} or ar model`))
    const tokenizer = Context.get(services, TextTokenizer)
    const denoiser = onnxDenoiser(diffusion)
    const fullLogits = onnxDenoiser(diffusion, { confidenceHead: false }).cached
    if (denoiser.cached === undefined || fullLogits === undefined) {
      return yield* Effect.fail(new Error(`${options.modelDir}/${diffusionModel} ships no cache-aware graph`))
    }
    const withConfidence = denoiser.cached

    const tokenIds = (config: typeof ar.config) => ({
      maskId: config.special_tokens.mask,
      eosId: config.special_tokens.eos,
      padId: config.special_tokens.pad,
      vocabSize: config.vocab_size,
    })

    return {
      provider,
      intraOpThreads: settings.intraOpThreads,
      contextLength: Math.min(diffusion.config.context_length, ar.config.context_length),
      bosId: diffusion.config.special_tokens.bos,
      diffusionIds: tokenIds(diffusion.config),
      arIds: tokenIds(ar.config),
      denoiser,
      cachedDenoiser: ({ confidenceHead }) => confidenceHead ? withConfidence : fullLogits,
      causalLM: onnxCausalLM(ar.graph),
      arSequenceLogits: (ids) =>
        ar.graph.run(ids, 1, ids.length, new Float32Array(0), 0).pipe(
          Effect.mapBoth({ onFailure: (error) => new ModelError({ message: error.message }), onSuccess: ({ logits }) => logits }),
        ),
      encode: tokenizer.encode,
      decode: (ids) => Effect.map(tokenizer.decodeRuns([ids]), (texts) => texts[0] ?? ""),
    } satisfies BenchModels
  })
