import { join, resolve } from "node:path"
import { Context, Effect, Layer, type Scope } from "effect"
import type { InferenceSession } from "onnxruntime-node"
import { type ActiveProvider, createSession, openWithProviderChoice } from "../backends/onnx/ExecutionProvider.js"
import { makeOnnxCachedDiffusionGraph } from "../backends/onnx/OnnxCachedDiffusionGraph.js"
import { makeOnnxCausalGraph } from "../backends/onnx/OnnxCausalGraph.js"
import { makeOnnxDiffusionGraph } from "../backends/onnx/OnnxDiffusionGraph.js"
import type { InvalidConfig } from "../config/InvalidConfig.js"
import { WorkerConfig } from "../config/WorkerConfig.js"
import type { OnnxRuntimeError } from "../backends/onnx/OnnxRuntimeError.js"
import { kindOfDefaultModel } from "./DefaultModels.js"
import { discoverModelNames } from "./discoverModelNames.js"
import type { LoadedModel } from "./LoadedModel.js"
import type { ModelConfig } from "./ModelConfig.js"
import { ModelLoadError } from "./ModelLoadError.js"
import { readModelConfig } from "./readModelConfig.js"

export type { LoadedArModel, LoadedDiffusionModel, LoadedModel } from "./LoadedModel.js"

/**
 * The loaded ONNX models, by directory name under MODEL_DIR (`diffusion`, `diffusion-fast`, `ar`,
 * or the MODELS selection), each with its own sessions, and the provider they all run on.
 */
export class ModelRegistry extends Context.Service<ModelRegistry, {
  readonly provider: ActiveProvider
  /** In load order: the default models first. */
  readonly models: ReadonlyMap<string, LoadedModel>
  /** The tokenizer every model names (they share one vocabulary). */
  readonly tokenizerPath: string
}>()("@unmask/gpu-worker/ModelRegistry") {}

const released = (session: InferenceSession) => Effect.promise(() => session.release()).pipe(Effect.ignore)

type OpenSession = (path: string) => Effect.Effect<InferenceSession, InvalidConfig | OnnxRuntimeError, Scope.Scope>

export const ModelRegistryLive = Layer.effect(
  ModelRegistry,
  Effect.gen(function*() {
    const settings = yield* WorkerConfig
    const sessionOptions = { intraOpThreads: settings.intraOpThreads }
    // The first session settles the provider (EXECUTION_PROVIDER); every later one uses it.
    let provider: ActiveProvider | undefined
    const openSession: OpenSession = (path) =>
      provider === undefined
        ? Effect.acquireRelease(openWithProviderChoice(path, settings.executionProvider, sessionOptions), ({ session }) => released(session)).pipe(
          Effect.map((opened) => {
            provider = opened.provider
            return opened.session
          }),
        )
        : Effect.acquireRelease(createSession(path, provider, sessionOptions), released)

    const graphFile = (graphs: ModelConfig["graphs"], dir: string) =>
      settings.modelPrecision === "int8" && graphs.int8 !== undefined
        ? Effect.succeed(join(dir, graphs.int8))
        : settings.modelPrecision === "int8"
        ? Effect.fail(new ModelLoadError({ path: dir, message: `MODEL_PRECISION=int8 but ${dir}/config.json lists no int8 graph` }))
        : Effect.succeed(join(dir, graphs.fp32))

    const load = (name: string) =>
      Effect.gen(function*() {
        const dir = join(settings.modelDir, name)
        const config = yield* readModelConfig(dir)
        const defaultKind = kindOfDefaultModel(name)
        if (defaultKind !== undefined && config.kind !== defaultKind) {
          return yield* new ModelLoadError({ path: join(dir, "config.json"), message: `expected a ${defaultKind} model, found kind "${config.kind}"` })
        }
        const shape = {
          layers: config.architecture.n_layer,
          heads: config.architecture.n_head,
          headDim: config.architecture.head_dim,
        }
        const tokenizerPath = resolve(dir, config.tokenizer)
        const session = yield* openSession(yield* graphFile(config.graphs, dir))
        if (config.kind === "ar") {
          const model: LoadedModel = { name, kind: "ar", config, tokenizerPath, graph: makeOnnxCausalGraph(session, { ...shape, vocab: config.vocab_size }) }
          return model
        }
        const cachedGraphs = config.cached_graphs
        const cachedSession = cachedGraphs === undefined ? undefined : yield* openSession(yield* graphFile(cachedGraphs, dir))
        const model: LoadedModel = {
          name,
          kind: "diffusion",
          config,
          tokenizerPath,
          graph: makeOnnxDiffusionGraph(session),
          cachedGraph: cachedSession === undefined ? undefined : makeOnnxCachedDiffusionGraph(cachedSession, shape),
        }
        return model
      })

    const names = yield* discoverModelNames(settings.modelDir, settings.models)
    const models = new Map<string, LoadedModel>()
    for (const name of names) models.set(name, yield* load(name))

    const [first, ...rest] = [...models.values()]
    if (first === undefined || provider === undefined) return yield* new ModelLoadError({ path: settings.modelDir, message: "no model to load" })
    const mismatch = rest.find((model) => model.tokenizerPath !== first.tokenizerPath)
    if (mismatch !== undefined) {
      return yield* new ModelLoadError({
        path: mismatch.tokenizerPath,
        message: `the ${first.name} and ${mismatch.name} models name different tokenizers (${first.tokenizerPath}, ${mismatch.tokenizerPath})`,
      })
    }
    yield* Effect.logInfo(
      `${settings.modelPrecision} models ${names.join(", ")} loaded from ${settings.modelDir} on the ${provider} execution provider`,
    )
    return { provider, models, tokenizerPath: first.tokenizerPath }
  }),
)
