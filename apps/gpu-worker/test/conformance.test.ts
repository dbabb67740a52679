import { CausalLM, Denoiser } from "@unmask/core"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll } from "vitest"
import { hashedLogits, testDoubleDenoiser } from "../../../packages/core/test/support/testDoubleDenoiser.js"
import { testDoubleCausalLM } from "../../../packages/core/test/support/testDoubleCausalLM.js"
import { onnxCausalLM } from "../src/backends/onnx/onnxCausalLM.js"
import { onnxDenoiser } from "../src/backends/onnx/onnxDenoiser.js"
import { parseWorkerConfig } from "../src/config/parseWorkerConfig.js"
import { WorkerConfig } from "../src/config/WorkerConfig.js"
import { WorkerMetricsLive } from "../src/metrics/WorkerMetrics.js"
import type { LoadedArModel, LoadedDiffusionModel } from "../src/models/LoadedModel.js"
import { ModelRegistry, ModelRegistryLive } from "../src/models/ModelRegistry.js"
import { CachedDenoiseBatcher, CachedDenoiseBatcherLive } from "../src/scheduler/CachedDenoiseBatcher.js"
import { CausalBatcher, CausalBatcherLive } from "../src/scheduler/CausalBatcher.js"
import { DenoiseBatcher, DenoiseBatcherLive } from "../src/scheduler/DenoiseBatcher.js"
import { RequestStats } from "../src/scheduler/RequestStats.js"
import { runCachedDenoiserConformance } from "./conformance/cachedDenoiserConformance.js"
import { runCausalLMConformance } from "./conformance/causalLMConformance.js"
import { runDenoiserConformance } from "./conformance/denoiserConformance.js"

// One suite per interface, run against the test double, the unbatched ONNX adapters on the shipped
// models, and the same adapters behind the worker's batchers (two attached generations each, so
// concurrent calls merge into one run).
const MODELS = fileURLToPath(new URL("../../../models/", import.meta.url))
const VOCAB = 4096
const DOUBLE_VOCAB = 12
/** float32 kernels of other batch shapes (and the cache-aware graph against the plain one) agree to about 1e-5. */
const ORT_TOLERANCE = 1e-3

const workerLayers = Effect.gen(function*() {
  const settings = yield* parseWorkerConfig({ MODEL_DIR: MODELS, EXECUTION_PROVIDER: "cpu", ALLOW_UNSIGNED: "1", MODELS: "diffusion,ar" })
  const models = ModelRegistryLive.pipe(Layer.provideMerge(Layer.succeed(WorkerConfig, settings)))
  const base = WorkerMetricsLive.pipe(Layer.provideMerge(models))
  return Layer.mergeAll(DenoiseBatcherLive, CachedDenoiseBatcherLive, CausalBatcherLive).pipe(Layer.provideMerge(base))
})

type Services = Layer.Success<Effect.Success<typeof workerLayers>>
let scope: Scope.Closeable
let services: Promise<Context.Context<Services>>
beforeAll(() => {
  scope = Effect.runSync(Scope.make())
  services = Effect.runPromise(Effect.flatMap(workerLayers, (layer) => Layer.buildWithScope(layer, scope)))
})
afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

const loaded = async () => {
  const { models } = Context.get(await services, ModelRegistry)
  return { diffusion: models.get("diffusion") as LoadedDiffusionModel, ar: models.get("ar") as LoadedArModel }
}
/** Two generations attached to a batcher for as long as the suite's scope lives. */
const attachedTwice = async <A>(attach: (stats: RequestStats) => Effect.Effect<A, never, Scope.Scope>) =>
  Effect.runPromise(Effect.all([attach(new RequestStats()), attach(new RequestStats())]).pipe(Scope.provide(scope)))

const doubleDenoiser = () =>
  Effect.runPromise(Denoiser.use(Effect.succeed).pipe(Effect.provide(testDoubleDenoiser(DOUBLE_VOCAB, hashedLogits(DOUBLE_VOCAB)).layer)))
const doubleSubject = async () => ({ denoisers: [await doubleDenoiser()], vocab: DOUBLE_VOCAB, tolerance: 0 })
const onnxSubject = async () => ({ denoisers: [onnxDenoiser((await loaded()).diffusion)], vocab: VOCAB, tolerance: ORT_TOLERANCE })
const denoiseBatcherSubject = async () => {
  const batcher = Context.get(await services, DenoiseBatcher)
  return { denoisers: await attachedTwice((stats) => batcher.attach("diffusion", stats)), vocab: VOCAB, tolerance: ORT_TOLERANCE }
}
const cachedBatcherSubject = async () => {
  const batcher = Context.get(await services, CachedDenoiseBatcher)
  return { denoisers: await attachedTwice((stats) => batcher.attach("diffusion", stats)), vocab: VOCAB, tolerance: ORT_TOLERANCE }
}

runDenoiserConformance("TEST DOUBLE testDoubleDenoiser", doubleSubject)
runDenoiserConformance("onnxDenoiser on models/diffusion", onnxSubject)
runDenoiserConformance("DenoiseBatcher on models/diffusion", denoiseBatcherSubject)

runCachedDenoiserConformance("TEST DOUBLE testDoubleDenoiser", doubleSubject)
runCachedDenoiserConformance("onnxDenoiser's cached capability on models/diffusion", onnxSubject)
runCachedDenoiserConformance("CachedDenoiseBatcher on models/diffusion", cachedBatcherSubject)

const nextLogits = (sequence: ReadonlyArray<number>) => hashedLogits(DOUBLE_VOCAB)(Int32Array.from(sequence), sequence.length)
runCausalLMConformance("TEST DOUBLE testDoubleCausalLM", async () => ({
  lms: [await Effect.runPromise(CausalLM.use(Effect.succeed).pipe(Effect.provide(testDoubleCausalLM(DOUBLE_VOCAB, nextLogits).layer)))],
  vocab: DOUBLE_VOCAB,
  tolerance: 0,
}))
runCausalLMConformance("onnxCausalLM on models/ar", async () => ({ lms: [onnxCausalLM((await loaded()).ar.graph)], vocab: VOCAB, tolerance: ORT_TOLERANCE }))
runCausalLMConformance("CausalBatcher on models/ar", async () => {
  const batcher = Context.get(await services, CausalBatcher)
  return { lms: await attachedTwice((stats) => batcher.attach("ar", stats)), vocab: VOCAB, tolerance: ORT_TOLERANCE }
})
