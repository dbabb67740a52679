import type { Hono } from "hono"
import type { WorkerMetrics } from "../metrics/WorkerMetrics.js"
import type { ModelRegistry } from "../models/ModelRegistry.js"
import { apiError } from "./ApiError.js"

/** `/healthz` (the process answers), `/readyz` (models loaded, which provider), `/metrics` (Prometheus). */
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
    const describe = (config: ModelRegistry["Service"]["diffusion"]["config"]) => ({
      kind: config.kind,
      vocabSize: config.vocab_size,
      contextLength: config.context_length,
    })
    return c.json({
      ready: true,
      provider: models.provider,
      models: { diffusion: describe(models.diffusion.config), ar: describe(models.ar.config) },
    })
  })

  app.get("/metrics", (c) => c.text(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }))
}
