import { Schema } from "effect"
import { ErrorBody } from "./ErrorBody.js"
import { GenerateResponse } from "./GenerateResponse.js"
import { StepFrame } from "./StepFrame.js"

/** The server-sent events of a streaming generation, in order: `step`*, then `done` or `error`. */
export const WorkerEvent = Schema.Union([
  Schema.Struct({ event: Schema.Literal("step"), data: StepFrame }),
  Schema.Struct({ event: Schema.Literal("done"), data: GenerateResponse }),
  Schema.Struct({ event: Schema.Literal("error"), data: ErrorBody }),
])
export type WorkerEvent = typeof WorkerEvent.Type

const decodeEvent = Schema.decodeUnknownSync(WorkerEvent)

/**
 * A worker event from one server-sent event's name and JSON data; undefined for an event name
 * outside the contract (ignored, as SSE readers do); throws when the data does not match.
 */
export const decodeWorkerEvent = (event: string, data: string): WorkerEvent | undefined =>
  event === "step" || event === "done" || event === "error" ? decodeEvent({ event, data: JSON.parse(data) }) : undefined
