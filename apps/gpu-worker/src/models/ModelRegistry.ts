import { join, resolve } from "node:path"
import { Context, Effect, Layer } from "effect"
import type { InferenceSession } from "onnxruntime-node"
import { type ActiveProvider, createSession, openWithProviderChoice } from "../backends/onnx/ExecutionProvider.js"
import { makeOnnxCachedDiffusionGraph, type OnnxCachedDiffusionGraph } from "../backends/onnx/OnnxCachedDiffusionGraph.js"
import { makeOnnxCausalGraph, type OnnxCausalGraph } from "../backends/onnx/OnnxCausalGraph.js"
import { makeOnnxDiffusionGraph, type OnnxDiffusionGraph } from "../backends/onnx/OnnxDiffusionGraph.js"
import { WorkerConfig } from "../config/WorkerConfig.js"
import type { ModelConfig } from "./ModelConfig.js"
import { ModelLoadError } from "./ModelLoadError.js"
import { readModelConfig } from "./readModelConfig.js"

export interface LoadedModel<Graph> {
  readonly config: ModelConfig
  readonly graph: Graph
  /** Absolute path of the tokenizer named by the config. */
  readonly tokenizerPath: string
}

/** The loaded ONNX models (`<MODEL_DIR>/diffusion`, `<MODEL_DIR>/ar`) and the provider they run on. */
export class ModelRegistry extends Context.Service<ModelRegistry, {
  readonly provider: ActiveProvider
  readonly diffusion: LoadedModel<OnnxDiffusionGraph> & { readonly cachedGraph: OnnxCachedDiffusionGraph | undefined }
  readonly ar: LoadedModel<OnnxCausalGraph>
}>()("@unmask/gpu-worker/ModelRegistry") {}

const released = (session: InferenceSession) => Effect.promise(() => session.release()).pipe(Effect.ignore)

export const ModelRegistryLive = Layer.effect(
  ModelRegistry,
  Effect.gen(function*() {
    const settings = yield* WorkerConfig
    const sessionOptions = { intraOpThreads: settings.intraOpThreads }
    const diffusionDir = join(settings.modelDir, "diffusion")
    const arDir = join(settings.modelDir, "ar")
    const diffusionConfig = yield* readModelConfig(diffusionDir, "diffusion")
    const arConfig = yield* readModelConfig(arDir, "ar")
    const graphFile = (graphs: ModelConfig["graphs"], dir: string) =>
      settings.modelPrecision === "int8" && graphs.int8 !== undefined
        ? Effect.succeed(join(dir, graphs.int8))
        : settings.modelPrecision === "int8"
        ? Effect.fail(new ModelLoadError({ path: dir, message: `MODEL_PRECISION=int8 but ${dir}/config.json lists no int8 graph` }))
        : Effect.succeed(join(dir, graphs.fp32))

    const first = yield* Effect.acquireRelease(
      openWithProviderChoice(yield* graphFile(diffusionConfig.graphs, diffusionDir), settings.executionProvider, sessionOptions),
      ({ session }) => released(session),
    )
    const arSession = yield* Effect.acquireRelease(
      createSession(yield* graphFile(arConfig.graphs, arDir), first.provider, sessionOptions),
      released,
    )
    const cachedGraphs = diffusionConfig.cached_graphs
    const cachedSession = cachedGraphs === undefined ? undefined : yield* Effect.acquireRelease(
      createSession(yield* graphFile(cachedGraphs, diffusionDir), first.provider, sessionOptions),
      released,
    )
    yield* Effect.logInfo(`${settings.modelPrecision} models loaded from ${settings.modelDir} on the ${first.provider} execution provider`)

    return {
      provider: first.provider,
      diffusion: {
        config: diffusionConfig,
        graph: makeOnnxDiffusionGraph(first.session),
        cachedGraph: cachedSession === undefined ? undefined : makeOnnxCachedDiffusionGraph(cachedSession, {
          layers: diffusionConfig.architecture.n_layer,
          heads: diffusionConfig.architecture.n_head,
          headDim: diffusionConfig.architecture.head_dim,
        }),
        tokenizerPath: resolve(diffusionDir, diffusionConfig.tokenizer),
      },
      ar: {
        config: arConfig,
        graph: makeOnnxCausalGraph(arSession, {
          layers: arConfig.architecture.n_layer,
          heads: arConfig.architecture.n_head,
          headDim: arConfig.architecture.head_dim,
          vocab: arConfig.vocab_size,
        }),
        tokenizerPath: resolve(arDir, arConfig.tokenizer),
      },
    }
  }),
)
