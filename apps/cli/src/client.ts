import {
  decodeErrorBody,
  decodeWorkerEvent,
  EVENT_STREAM_TYPE,
  type GenerateResponse,
  readServerSentEvents,
  type ServerSentEvent,
  signRequest,
  type StepFrame,
} from "@unmask/wire"
import { CliError, workerRefusal } from "./errors.js"
import { ExitCode } from "./exitCodes.js"
import type { GenerateBody } from "./request.js"

export type { GenerateResponse, StepFrame }

export type WorkerEvent =
  | { readonly _tag: "Step"; readonly step: StepFrame }
  | { readonly _tag: "Done"; readonly response: GenerateResponse }

export interface Endpoint {
  /** The worker's base URL, without a trailing slash. */
  readonly url: string
  readonly secret: string | undefined
}

/** Nothing answers at the URL (connection refused, unknown host...). */
export class WorkerUnreachable extends CliError {
  constructor(readonly url: string, readonly reason: string, readonly refused: boolean) {
    super(`no worker answers at ${url} (${reason})`, ExitCode.unreachable)
  }
}

const networkReason = (error: unknown): { reason: string; refused: boolean } => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause
  const code = typeof cause?.code === "string" ? cause.code : undefined
  if (code === "ECONNREFUSED") return { reason: "connection refused", refused: true }
  const detail = code ?? (typeof cause?.message === "string" ? cause.message : String(error))
  return { reason: detail, refused: false }
}

const isAbort = (error: unknown) => error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")

/** `GET /healthz` with a short timeout: resolves when anything answers, rejects with WorkerUnreachable otherwise. */
export const probeWorker = async (url: string, timeoutMs = 3000): Promise<void> => {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) })
    await response.body?.cancel()
  } catch (error) {
    if (isAbort(error)) throw new WorkerUnreachable(url, `no answer within ${timeoutMs / 1000} s`, false)
    const { reason, refused } = networkReason(error)
    throw new WorkerUnreachable(url, reason, refused)
  }
}

/** One event checked against @unmask/wire's contract; undefined for an event name outside it. */
const decodeEvent = ({ event, data }: ServerSentEvent) => {
  try {
    return decodeWorkerEvent(event, data)
  } catch {
    throw new CliError(`the worker sent a ${event} event that breaks the contract: ${data.slice(0, 200)}`, ExitCode.failure)
  }
}

/**
 * `POST /v1/generate` with `stream: true` (signed when the endpoint has a secret): yields every
 * `step` event, then the `done` event. Throws CliError for refusals (the worker's JSON errors),
 * `event: error`, and streams that end early; aborting `signal` closes the connection, which makes
 * the worker stop computing.
 */
export async function* streamGeneration(
  endpoint: Endpoint,
  body: GenerateBody,
  signal: AbortSignal,
): AsyncGenerator<WorkerEvent> {
  const url = `${endpoint.url}/v1/generate`
  const text = JSON.stringify(body)
  const headers: Record<string, string> = { "content-type": "application/json", accept: EVENT_STREAM_TYPE }
  if (endpoint.secret !== undefined) {
    Object.assign(headers, await signRequest(endpoint.secret, { method: "POST", url, body: text }))
  }
  let response: Response
  try {
    response = await fetch(url, { method: "POST", headers, body: text, signal })
  } catch (error) {
    if (signal.aborted) throw error
    const { reason, refused } = networkReason(error)
    throw new WorkerUnreachable(endpoint.url, reason, refused)
  }
  if (!response.ok) {
    const answer = await response.text()
    let parsed: unknown
    try {
      parsed = JSON.parse(answer)
    } catch {
      parsed = undefined
    }
    const error = decodeErrorBody(parsed)
    throw error === undefined
      ? new CliError(`the worker answered ${response.status}: ${answer.slice(0, 200) || response.statusText}`, ExitCode.worker)
      : workerRefusal(response.status, error.error)
  }
  if (response.body === null) throw new CliError("the worker sent an empty answer", ExitCode.failure)
  const contentType = response.headers.get("content-type") ?? ""
  if (!contentType.startsWith(EVENT_STREAM_TYPE)) {
    throw new CliError(`the worker answered ${contentType || "without a content type"}, not an event stream`, ExitCode.failure)
  }
  for await (const sent of readServerSentEvents(response.body)) {
    const received = decodeEvent(sent)
    if (received?.event === "step") yield { _tag: "Step", step: received.data }
    else if (received?.event === "done") {
      yield { _tag: "Done", response: received.data }
      return
    } else if (received?.event === "error") throw workerRefusal(undefined, received.data.error)
  }
  throw new CliError("the worker closed the stream before the result", ExitCode.failure)
}
