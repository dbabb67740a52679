import type { AddressInfo } from "node:net"
import { serve, type ServerType } from "@hono/node-server"
import { Context, Effect, Layer } from "effect"
import { Hono } from "hono"
import { WorkerConfig, type WorkerSettings } from "../config/WorkerConfig.js"
import { WorkerMetrics } from "../metrics/WorkerMetrics.js"
import { ModelRegistry } from "../models/ModelRegistry.js"
import { apiError } from "./ApiError.js"
import { type GenerateRouteServices, registerGenerateRoute } from "./generateRoute.js"
import { registerProbeRoutes } from "./probeRoutes.js"

/** The listening HTTP server; closing its layer drains it (readyz turns 503) and stops it. */
export class HttpServer extends Context.Service<HttpServer, {
  readonly url: string
}>()("@unmask/gpu-worker/HttpServer") {}

/** How often Node looks for sockets past their header or request deadline. */
const DEADLINE_CHECK_INTERVAL_MS = 1_000

/**
 * Slow clients cannot hold sockets: headers and the whole request each have a deadline (408, then
 * the socket closes). Idle keep-alive sockets stay open longer than any client or proxy keeps them
 * (undici: 4 s; default 65 s), so the client always closes first and never reuses a socket the
 * server is closing (ECONNRESET).
 */
const listen = (app: Hono, host: string, port: number, timeouts: WorkerSettings["timeouts"]) =>
  Effect.callback<ServerType, Error>((resume) => {
    const serverOptions = {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: Math.min(DEADLINE_CHECK_INTERVAL_MS, timeouts.headersMs),
    }
    const server = serve({ fetch: app.fetch, hostname: host, port, serverOptions }, () => resume(Effect.succeed(server)))
    if ("keepAliveTimeout" in server) server.keepAliveTimeout = timeouts.keepAliveMs
    server.once("error", (error) => resume(Effect.fail(error)))
  })

const stop = (server: ServerType) =>
  Effect.callback<void>((resume) => {
    server.close(() => resume(Effect.void))
    if ("closeAllConnections" in server) server.closeAllConnections()
  })

export const HttpServerLive = Layer.effect(
  HttpServer,
  Effect.gen(function*() {
    const settings = yield* WorkerConfig
    const models = yield* ModelRegistry
    const metrics = yield* WorkerMetrics
    const context = yield* Effect.context<GenerateRouteServices>()
    let draining = false

    const app = new Hono()
    registerProbeRoutes(app, models, metrics, () => draining, settings.probeAllowFrom)
    registerGenerateRoute(app, settings, context)
    app.notFound((c) => {
      const { status, body } = apiError(404, "not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`)
      return c.json(body, status)
    })
    app.onError((error, c) => {
      const { status, body } = apiError(500, "internal_error", error.message)
      return c.json(body, status)
    })

    const server = yield* Effect.acquireRelease(
      listen(app, settings.host, settings.port, settings.timeouts),
      (server) => Effect.sync(() => { draining = true }).pipe(Effect.andThen(stop(server))),
    )
    const { port } = server.address() as AddressInfo
    const host = settings.host === "0.0.0.0" ? "127.0.0.1" : settings.host
    yield* Effect.logInfo(`listening on http://${host}:${port} (provider ${models.provider})`)
    return { url: `http://${host}:${port}` }
  }),
)
