import type { GenerateResponse } from "./client.js"
import type { GenerationMode } from "./options.js"
import type { GenerateBody } from "./request.js"

/** One finished generation as the client saw it. */
export interface RunResult {
  readonly mode: GenerationMode
  readonly request: GenerateBody
  readonly response: GenerateResponse
  /** From sending the request to the `done` event. */
  readonly wallMs: number
  /** From sending the request to the first `step` event; null when none came. */
  readonly firstFrameMs: number | null
}

/** Returned tokens per second of wall time. */
export const tokensPerSecond = (result: Pick<RunResult, "response" | "wallMs">): number =>
  result.wallMs > 0 ? result.response.usage.completionTokens / (result.wallMs / 1000) : 0

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
