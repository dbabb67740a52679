/** The process exit statuses of `unmask` (documented in the README). */
export const ExitCode = {
  /** The text was generated. */
  ok: 0,
  /** Anything unexpected: a bug, or a stream that ended without its `done` event. */
  failure: 1,
  /** Invalid usage: a bad option or value, no prompt, or a request the worker rejected as invalid (400, 413). */
  usage: 2,
  /** No worker to talk to: nothing answers at an explicit --url, or the in-process models could not start. */
  unreachable: 3,
  /** The worker refused or failed the request: 401 (signature), 503 (queue full), 5xx, or an `error` event. */
  worker: 4,
  /** Cancelled with Ctrl-C (SIGINT): 128 + 2. */
  interrupted: 130,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]
