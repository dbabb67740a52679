import type { ErrorBody, ErrorCode } from "@unmask/wire"
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

const HINTS: Readonly<Partial<Record<ErrorCode, string>>> = {
  bad_signature:
    "the worker checks edge signatures: pass --secret (or set EDGE_SHARED_SECRET) with its EDGE_SHARED_SECRET, or start it with ALLOW_UNSIGNED=1",
  queue_full: "the worker is busy; try again in a moment",
}

/** A worker's refusal (HTTP status + the `error` of its @unmask/wire error body) as one readable line, and its exit status. */
export const workerRefusal = (status: number | undefined, body: ErrorBody["error"]): CliError => {
  const where = body.field === undefined ? "" : ` (${body.field})`
  const prefix = status === undefined ? "the worker failed" : `the worker answered ${status}`
  const hint = HINTS[body.code]
  const message = `${prefix} ${body.code}${where}: ${body.message}${hint === undefined ? "" : `\n  hint: ${hint}`}`
  const exitCode = status === 400 || status === 413 ? ExitCode.usage : ExitCode.worker
  return new CliError(message, exitCode)
}
