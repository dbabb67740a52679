import { Cause, Effect, Exit, ManagedRuntime } from "effect"
import { type Environment, parseWorkerConfig } from "./config/parseWorkerConfig.js"
import { HttpServer } from "./http/HttpServer.js"
import { ModelRegistry } from "./models/ModelRegistry.js"
import { workerLayer } from "./WorkerLayer.js"

export interface StartWorkerOptions {
  /** Variables to read instead of `process.env` (PORT, MODEL_DIR, EDGE_SHARED_SECRET...). */
  readonly env?: Environment
}

export interface RunningWorker {
  readonly url: string
  readonly provider: "cuda" | "cpu"
  /** Stops accepting requests, interrupts running generations and releases the sessions. */
  readonly close: () => Promise<void>
}

/** A start-up failure; the message names the variable or file to fix. */
export class WorkerStartError extends Error {
  override readonly name = "WorkerStartError"
}

const describeFailure = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.findErrorOption(cause)
  if (error._tag === "Some" && typeof error.value === "object" && error.value !== null && "message" in error.value) {
    return String(error.value.message)
  }
  return Cause.pretty(cause)
}

/** Loads the models and serves the HTTP API in this process. */
export const startWorker = async (options: StartWorkerOptions = {}): Promise<RunningWorker> => {
  const parsed = Effect.runSyncExit(parseWorkerConfig(options.env ?? process.env))
  if (Exit.isFailure(parsed)) throw new WorkerStartError(describeFailure(parsed.cause))
  const runtime = ManagedRuntime.make(workerLayer(parsed.value))
  const started = await runtime.runPromiseExit(
    Effect.gen(function*() {
      return { server: yield* HttpServer, models: yield* ModelRegistry }
    }),
  )
  if (Exit.isFailure(started)) {
    await runtime.dispose()
    throw new WorkerStartError(describeFailure(started.cause))
  }
  return {
    url: started.value.server.url,
    provider: started.value.models.provider,
    close: () => runtime.dispose(),
  }
}
