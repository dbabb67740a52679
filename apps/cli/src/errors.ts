import { ExitCode } from "./exitCodes.js"

/** A failure with a message for the user and the exit status it ends the process with. */
export class CliError extends Error {
  override readonly name = "CliError"
  constructor(message: string, readonly exitCode: ExitCode) {
    super(message)
  }
}

/** Bad flags or values, found before anything is sent. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage)
  }
}

/** The worker's error body: `{"error": {"code", "message", "field"?}}`. */
export interface WorkerErrorBody {
  readonly code: string
  readonly message: string
  readonly field?: string
}

/** Reads `{"error": {...}}` out of an answer; undefined when it is not that shape. */
export const workerErrorBody = (value: unknown): WorkerErrorBody | undefined => {
  if (typeof value !== "object" || value === null || !("error" in value)) return undefined
  const error = value.error
  if (typeof error !== "object" || error === null) return undefined
  const { code, message, field } = error as { code?: unknown; message?: unknown; field?: unknown }
  if (typeof code !== "string" || typeof message !== "string") return undefined
  return typeof field === "string" ? { code, message, field } : { code, message }
}

const HINTS: Readonly<Record<string, string>> = {
  bad_signature:
    "the worker checks edge signatures: pass --secret (or set EDGE_SHARED_SECRET) with its EDGE_SHARED_SECRET, or start it with ALLOW_UNSIGNED=1",
  queue_full: "the worker is busy; try again in a moment",
}

/** A worker's refusal (HTTP status + error body) as one readable line, and its exit status. */
export const workerRefusal = (status: number | undefined, body: WorkerErrorBody): CliError => {
  const where = body.field === undefined ? "" : ` (${body.field})`
  const prefix = status === undefined ? "the worker failed" : `the worker answered ${status}`
  const hint = HINTS[body.code]
  const message = `${prefix} ${body.code}${where}: ${body.message}${hint === undefined ? "" : `\n  hint: ${hint}`}`
  const exitCode = status === 400 || status === 413 ? ExitCode.usage : ExitCode.worker
  return new CliError(message, exitCode)
}
