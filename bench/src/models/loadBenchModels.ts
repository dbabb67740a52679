import { type CausalOutput, ModelError } from "@unmask/core"
import {
  cachedDenoiserOn,
  ModelRegistry,
  ModelRegistryLive,
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

/** A batch-1 KV cache straight from the graph: [layers, 2, 1, heads, length, headDim]. */
interface StepCache {
  readonly data: Float32Array
  readonly length: number
}

const isStepCache = (cache: unknown): cache is StepCache =>
  typeof cache === "object" && cache !== null && "data" in cache && cache.data instanceof Float32Array

const toModelError = (error: { readonly message: string }) => new ModelError({ message: error.message })

/**
 * Loads the worker's model registry and tokenizer and exposes them as core's services, one call
 * per model invocation: no batching window, no admission queue, no HTTP.
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
    const vocab = ar.config.vocab_size
    const emptyCache = new Float32Array(0)
    const cachedGraph = diffusion.cachedGraph
    if (cachedGraph === undefined) return yield* Effect.fail(new Error(`${options.modelDir}/${diffusionModel} ships no cache-aware graph`))
    const cachedFacts = {
      vocab: diffusion.config.vocab_size,
      shift: diffusion.config.architecture.shifted_logits === true ? 1 : 0,
      layout: { outer: 2 * cachedGraph.shape.layers, heads: cachedGraph.shape.heads, headDim: cachedGraph.shape.headDim },
    }

    const runCausal = (ids: Int32Array, past: StepCache) =>
      ar.graph.run(ids, 1, ids.length, past.data, past.length).pipe(Effect.mapError(toModelError))

    const causalOutput = (ids: Int32Array, past: StepCache) =>
      Effect.map(runCausal(ids, past), ({ logits, presentKv }): CausalOutput => ({
        logits: logits.slice((ids.length - 1) * vocab, ids.length * vocab),
        cache: { data: presentKv, length: past.length + ids.length } satisfies StepCache,
      }))

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
      denoiser: {
        denoise: (batch) =>
          diffusion.graph.run(batch.ids, batch.attentionMask ?? new Int32Array(batch.ids.length).fill(1), batch.batch, batch.length).pipe(
            Effect.mapError(toModelError),
            Effect.map((data) => ({ data, batch: batch.batch, length: batch.length, vocab: diffusion.config.vocab_size })),
          ),
      },
      cachedDenoiser: ({ confidenceHead }) =>
        cachedDenoiserOn(
          (input) => cachedGraph.run(confidenceHead ? input : { ...input, fetch: "logits" }).pipe(Effect.mapError(toModelError)),
          cachedFacts,
        ),
      causalLM: {
        prefill: (ids) => causalOutput(ids, { data: emptyCache, length: 0 }),
        step: (token, cache) =>
          isStepCache(cache)
            ? causalOutput(Int32Array.of(token), cache)
            : Effect.fail(new ModelError({ message: "step called without a cache from prefill" })),
      },
      arSequenceLogits: (ids) => Effect.map(runCausal(ids, { data: emptyCache, length: 0 }), ({ logits }) => logits),
      encode: tokenizer.encode,
      decode: (ids) => Effect.map(tokenizer.decodeRuns([ids]), (texts) => texts[0] ?? ""),
    } satisfies BenchModels
  })
