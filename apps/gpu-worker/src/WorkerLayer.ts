import { Effect, Layer } from "effect"
import { WorkerConfig, type WorkerSettings } from "./config/WorkerConfig.js"
import { GenerationLive } from "./generation/Generation.js"
import { HttpServerLive } from "./http/HttpServer.js"
import { WorkerMetricsLive } from "./metrics/WorkerMetrics.js"
import { ModelRegistryLive } from "./models/ModelRegistry.js"
import { AdmissionControlLive } from "./scheduler/AdmissionControl.js"
import { CachedDenoiseBatcherLive } from "./scheduler/CachedDenoiseBatcher.js"
import { CausalBatcherLive } from "./scheduler/CausalBatcher.js"
import { DenoiseBatcherLive } from "./scheduler/DenoiseBatcher.js"
import { TextTokenizerLive } from "./tokenizer/TextTokenizer.js"

const announceUnsigned = (settings: WorkerSettings) =>
  settings.edgeSharedSecret === undefined
    ? Effect.logWarning("ALLOW_UNSIGNED=1: requests are NOT authenticated. Local development only.")
    : Effect.void

/** config -> model registry -> tokenizer -> scheduler -> generation -> HTTP. */
export const workerLayer = (settings: WorkerSettings) => {
  const config = Layer.effectDiscard(announceUnsigned(settings)).pipe(
    Layer.provideMerge(Layer.succeed(WorkerConfig, settings)),
  )
  const models = ModelRegistryLive.pipe(Layer.provideMerge(config))
  const base = Layer.mergeAll(TextTokenizerLive, WorkerMetricsLive).pipe(Layer.provideMerge(models))
  const scheduler = Layer.mergeAll(AdmissionControlLive, DenoiseBatcherLive, CachedDenoiseBatcherLive, CausalBatcherLive).pipe(
    Layer.provideMerge(base),
  )
  const generation = GenerationLive.pipe(Layer.provideMerge(scheduler))
  return HttpServerLive.pipe(Layer.provideMerge(generation))
}
