import type { ModelError } from "@unmask/core"
import { EVENT_STREAM_HEADERS, formatEvent, type GenerateResponse } from "@unmask/wire"
import { Cause, Context, Effect, Exit, Stream } from "effect"
import type { Context as HonoContext, Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import type { WorkerSettings } from "../config/WorkerConfig.js"
import type { GenerationUpdate } from "../generation/GenerationUpdate.js"
import { Generation } from "../generation/Generation.js"
import type { InvalidRequest } from "../generation/InvalidRequest.js"
import type { PreparedGeneration } from "../generation/PreparedGeneration.js"
import { type RequestLabels, requestLabels } from "../metrics/requestLabels.js"
import { WorkerMetrics } from "../metrics/WorkerMetrics.js"
import { ModelRegistry } from "../models/ModelRegistry.js"
import { AdmissionControl } from "../scheduler/AdmissionControl.js"
import { type ApiError, apiError, toApiError } from "./ApiError.js"
import { verifyEdgeSignature } from "./verifyEdgeSignature.js"

export type GenerateRouteServices = Generation | AdmissionControl | WorkerMetrics | ModelRegistry

/** Status label for a client that went away before its answer was complete (nginx's convention). */
const CLIENT_CLOSED = "499"

const encoder = new TextEncoder()

/** One server-sent event: `event: <name>` and its JSON data. */
const serverSentEvent = (event: string, data: unknown): Uint8Array => encoder.encode(formatEvent(event, JSON.stringify(data)))

const sendError = (c: HonoContext, error: ApiError) => c.json(error.body, error.status, error.headers ?? {})

type Updates = Stream.Stream<GenerationUpdate, InvalidRequest | ModelError>

const isDone = (update: GenerationUpdate): update is Extract<GenerationUpdate, { _tag: "Done" }> =>
  update._tag === "Done"

/** `POST /v1/generate`: body limit, edge signature, validation, admission, then JSON or SSE. */
export const registerGenerateRoute = (
  app: Hono,
  settings: WorkerSettings,
  context: Context.Context<GenerateRouteServices>,
) => {
  const runPromiseExit = Effect.runPromiseExitWith(context)
  const generation = Context.get(context, Generation)
  const admission = Context.get(context, AdmissionControl)
  const metrics = Context.get(context, WorkerMetrics)
  const { models } = Context.get(context, ModelRegistry)

  const finished = (labels: RequestLabels, status: string, receivedAt: number) => {
    metrics.requests.inc({ ...labels, status })
    metrics.totalSeconds.observe((performance.now() - receivedAt) / 1000, labels)
  }
  const preparedLabels = (prepared: PreparedGeneration): RequestLabels => ({ mode: prepared.sampler.mode, model: prepared.model })
  const unknownRequest: RequestLabels = { mode: "unknown", model: "unknown" }

  const rejected = (c: HonoContext, labels: RequestLabels, receivedAt: number, error: ApiError) => {
    finished(labels, String(error.status), receivedAt)
    return sendError(c, error)
  }

  const respondJson = async (c: HonoContext, prepared: PreparedGeneration, updates: Updates) => {
    const labels = preparedLabels(prepared)
    const exit = await runPromiseExit(
      Stream.runLast(Stream.filter(updates, isDone)),
      { signal: c.req.raw.signal },
    )
    if (Exit.isSuccess(exit) && exit.value._tag === "Some") {
      finished(labels, "200", prepared.receivedAt)
      return c.json<GenerateResponse>(exit.value.value.response)
    }
    if (Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)) {
      finished(labels, CLIENT_CLOSED, prepared.receivedAt)
      return new Response(null, { status: 499 })
    }
    const error = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : undefined
    return rejected(
      c,
      labels,
      prepared.receivedAt,
      error?._tag === "Some" ? toApiError(error.value) : apiError(500, "internal_error", "generation ended without a result"),
    )
  }

  const respondSse = (c: HonoContext, prepared: PreparedGeneration, updates: Updates) => {
    const labels = preparedLabels(prepared)
    let status = "200"
    const frames = updates.pipe(
      Stream.map((update) =>
        update._tag === "Step" ? serverSentEvent("step", update.event) : serverSentEvent("done", update.response)
      ),
      Stream.catch((error) => {
        const apiFailure = toApiError(error)
        status = String(apiFailure.status)
        return Stream.succeed(serverSentEvent("error", apiFailure.body))
      }),
      Stream.onExit((exit) =>
        Effect.sync(() => finished(labels, Exit.isFailure(exit) ? CLIENT_CLOSED : status, prepared.receivedAt))
      ),
    )
    return new Response(Stream.toReadableStreamWith(frames, context, { signal: c.req.raw.signal }), {
      headers: EVENT_STREAM_HEADERS,
    })
  }

  const limitBody = bodyLimit({
    maxSize: settings.limits.maxBodyBytes,
    onError: (c) =>
      rejected(
        c,
        unknownRequest,
        performance.now(),
        apiError(413, "body_too_large", `the body exceeds ${settings.limits.maxBodyBytes} bytes`),
      ),
  })
  app.use("/v1/*", limitBody)
  if (settings.edgeSharedSecret !== undefined) app.use("/v1/*", verifyEdgeSignature(settings.edgeSharedSecret, settings.publicOrigin))

  app.post("/v1/generate", async (c) => {
    const receivedAt = performance.now()
    let body: unknown
    try {
      body = JSON.parse(await c.req.text())
    } catch {
      return rejected(c, unknownRequest, receivedAt, apiError(400, "invalid_json", "the body is not valid JSON"))
    }
    const accepted = await runPromiseExit(
      Effect.all({ prepared: generation.prepare(body, receivedAt), ticket: admission.tryEnqueue }),
    )
    if (Exit.isFailure(accepted)) {
      const error = Cause.findErrorOption(accepted.cause)
      return rejected(
        c,
        requestLabels(body, models),
        receivedAt,
        error._tag === "Some" ? toApiError(error.value) : apiError(500, "internal_error", Cause.pretty(accepted.cause)),
      )
    }
    const { prepared, ticket } = accepted.value
    const updates = generation.run(prepared, ticket)
    return prepared.stream ? respondSse(c, prepared, updates) : respondJson(c, prepared, updates)
  })
}
