import type { Hono } from "hono"
import type { WorkerMetrics } from "../metrics/WorkerMetrics.js"
import type { LoadedModel } from "../models/LoadedModel.js"
import type { ModelRegistry } from "../models/ModelRegistry.js"
import { apiError } from "./ApiError.js"

/** What `/readyz` tells about one loaded model, under its name. */
const describeModel = (model: LoadedModel) => ({
  kind: model.kind,
  vocabSize: model.config.vocab_size,
  contextLength: model.config.context_length,
  cachedGraph: model.kind === "diffusion" && model.cachedGraph !== undefined,
})

/** `/healthz` (the process answers), `/readyz` (the loaded models by name, which provider), `/metrics` (Prometheus). */
export const registerProbeRoutes = (
  app: Hono,
  models: ModelRegistry["Service"],
  metrics: WorkerMetrics["Service"],
  isDraining: () => boolean,
) => {
  app.get("/healthz", (c) => c.json({ status: "ok" }))

  app.get("/readyz", (c) => {
    if (isDraining()) {
      const { status, body } = apiError(503, "draining", "the worker is shutting down")
      return c.json(body, status)
    }
    return c.json({
      ready: true,
      provider: models.provider,
      models: Object.fromEntries([...models.models.values()].map((model) => [model.name, describeModel(model)])),
    })
  })

  app.get("/metrics", (c) => c.text(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }))
}
