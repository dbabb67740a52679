import { arGenerate, CausalLM, Denoiser, diffusionGenerate, diffusionInfill, type ModelError } from "@unmask/core"
import { Context, Effect, Layer, Result, Stream } from "effect"
import { WorkerConfig } from "../config/WorkerConfig.js"
import { WorkerMetrics } from "../metrics/WorkerMetrics.js"
import { ModelRegistry } from "../models/ModelRegistry.js"
import type { Ticket } from "../scheduler/AdmissionControl.js"
import { CachedDenoiseBatcher } from "../scheduler/CachedDenoiseBatcher.js"
import { CausalBatcher } from "../scheduler/CausalBatcher.js"
import { DenoiseBatcher } from "../scheduler/DenoiseBatcher.js"
import { RequestStats } from "../scheduler/RequestStats.js"
import { toGenerateResponse } from "../streamers/toGenerateResponse.js"
import { promptView, templateView } from "../streamers/CanvasView.js"
import { toStepEvent } from "../streamers/toStepEvent.js"
import { TextTokenizer } from "../tokenizer/TextTokenizer.js"
import type { GenerationUpdate } from "./GenerationUpdate.js"
import type { InvalidRequest } from "./InvalidRequest.js"
import { fromInvalidParams, prepareGeneration } from "./prepareGeneration.js"
import type { PreparedGeneration } from "./PreparedGeneration.js"

const viewOf = ({ canvas, promptIds }: PreparedGeneration) =>
  canvas === undefined ? promptView(promptIds.length) : templateView(canvas.template)

/** Validation and execution of generation requests; the HTTP layer only frames what comes out. */
export class Generation extends Context.Service<Generation, {
  readonly prepare: (body: unknown, receivedAt: number) => Effect.Effect<PreparedGeneration, InvalidRequest>
  /**
   * Waits for the ticket's turn, then runs the sampler: `Step` updates (only when the request
   * streams) and one `Done`. The ticket is released when the stream ends, fails or is interrupted.
   */
  readonly run: (prepared: PreparedGeneration, ticket: Ticket) => Stream.Stream<GenerationUpdate, InvalidRequest | ModelError>
}>()("@unmask/gpu-worker/Generation") {}

export const GenerationLive = Layer.effect(
  Generation,
  Effect.gen(function*() {
    const prepareContext = yield* Effect.context<WorkerConfig | ModelRegistry | TextTokenizer>()
    const metrics = yield* WorkerMetrics
    const tokenizer = yield* TextTokenizer
    const batcher = yield* DenoiseBatcher
    const cachedBatcher = yield* CachedDenoiseBatcher
    const causal = yield* CausalBatcher

    const secondsSince = (start: number) => (performance.now() - start) / 1000

    const samplerEvents = (prepared: PreparedGeneration, stats: RequestStats) =>
      Effect.gen(function*() {
        const { sampler, model, promptIds, canvas, tokenIds } = prepared
        if (sampler.mode === "ar") {
          const lm = yield* causal.attach(model, stats)
          return arGenerate(promptIds, sampler.params, tokenIds).pipe(Stream.provideService(CausalLM, lm))
        }
        const events = canvas === undefined
          ? diffusionGenerate(promptIds, sampler.params, tokenIds)
          : diffusionInfill(canvas.template, sampler.params, tokenIds)
        // A generation attaches to the one batcher of the capability its cache mode calls (a tick waits for attached
        // generations); prepareGeneration has checked that a cached mode's model has a cache-aware graph.
        const denoiser = sampler.params.cache === "none"
          ? yield* batcher.attach(model, stats)
          : yield* cachedBatcher.attach(model, stats)
        return events.pipe(Stream.provideService(Denoiser, denoiser))
      })

    const run = (prepared: PreparedGeneration, ticket: Ticket): Stream.Stream<GenerationUpdate, InvalidRequest | ModelError> => {
      const labels = { mode: prepared.sampler.mode, model: prepared.model }
      return Stream.unwrap(Effect.gen(function*() {
        const queueMs = yield* ticket.awaitTurn
        metrics.queueSeconds.observe(queueMs / 1000, labels)
        const stats = new RequestStats()
        const { promptTokens } = prepared
        const view = viewOf(prepared)
        let framesSeen = 0
        const events = yield* samplerEvents(prepared, stats)
        return events.pipe(
          Stream.filterMapEffect((event): Effect.Effect<Result.Result<GenerationUpdate, void>> => {
            if (event._tag === "Done") {
              metrics.nfe.observe(event.result.nfe, labels)
              const timings = { receivedAt: prepared.receivedAt, queueMs, modelMs: stats.modelMs }
              return toGenerateResponse(event.result, promptTokens, prepared.tokenIds, timings, tokenizer.decodeRuns, prepared.canvas?.spans).pipe(
                Effect.map((response) => Result.succeed({ _tag: "Done", response })),
              )
            }
            if (framesSeen++ === 0) metrics.firstFrameSeconds.observe(secondsSince(prepared.receivedAt), labels)
            metrics.committedPerStep.observe(event.frame.committed.length, labels)
            return prepared.stream
              ? toStepEvent(event.frame, view, prepared.tokenIds, tokenizer.decodeRuns).pipe(
                Effect.map((step) => Result.succeed({ _tag: "Step", event: step })),
              )
              : Effect.succeed(Result.failVoid)
          }),
        )
      })).pipe(
        Stream.catchTag("InvalidParams", (error) => Stream.fail(fromInvalidParams(error))),
        Stream.ensuring(ticket.release),
      )
    }

    return {
      prepare: (body, receivedAt) => prepareGeneration(body, receivedAt).pipe(Effect.provideContext(prepareContext)),
      run,
    }
  }),
)
