import { getConnInfo } from "@hono/node-server/conninfo"
import type { Context, Hono, Next } from "hono"
import type { AddressRange } from "../config/AddressRange.js"
import type { WorkerMetrics } from "../metrics/WorkerMetrics.js"
import type { LoadedModel } from "../models/LoadedModel.js"
import type { ModelRegistry } from "../models/ModelRegistry.js"
import { apiError } from "./ApiError.js"
import { peerFilter } from "./probeAccess.js"

/** What `/readyz` tells about one loaded model, under its name. */
const describeModel = (model: LoadedModel) => ({
  kind: model.kind,
  vocabSize: model.config.vocab_size,
  contextLength: model.config.context_length,
  cachedGraph: model.kind === "diffusion" && model.cachedGraph !== undefined,
})

/**
 * `/healthz` (the process answers; public), `/readyz` (the loaded models by name, which provider) and
 * `/metrics` (Prometheus), the last two only for peers in PROBE_ALLOW_FROM (default: loopback), 403 otherwise.
 */
export const registerProbeRoutes = (
  app: Hono,
  models: ModelRegistry["Service"],
  metrics: WorkerMetrics["Service"],
  isDraining: () => boolean,
  probeAllowFrom: ReadonlyArray<AddressRange>,
) => {
  app.get("/healthz", (c) => c.json({ status: "ok" }))

  const isAllowedPeer = peerFilter(probeAllowFrom)
  const privateProbe = async (c: Context, next: Next) => {
    if (isAllowedPeer(getConnInfo(c).remote.address)) return next()
    const { status, body } = apiError(403, "forbidden", `${c.req.path} answers only to the addresses in PROBE_ALLOW_FROM (default: loopback)`)
    return c.json(body, status)
  }
  app.use("/readyz", privateProbe)
  app.use("/metrics", privateProbe)

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
