import type { GenerationResult, TokenIds } from "@unmask/core"
import { Effect } from "effect"
import type { GenerateResponse } from "../generation/GenerateResponse.js"
import type { DecodeRuns } from "./DecodeRuns.js"
import { beforeEos, renderCanvas } from "./renderCanvas.js"

export interface ResponseTimings {
  readonly receivedAt: number
  readonly queueMs: number
  readonly modelMs: number
}

/**
 * A finished generation as the API answer. Text and tokens stop before the first end-of-text token
 * (a diffusion canvas keeps sampling after one); cutting there reports finishReason "eos".
 */
export const toGenerateResponse = (
  result: GenerationResult,
  promptTokens: number,
  ids: TokenIds,
  timings: ResponseTimings,
  decodeRuns: DecodeRuns,
): Effect.Effect<GenerateResponse> => {
  const tokens = beforeEos(result.tokens, ids.eosId)
  return renderCanvas(tokens, ids, decodeRuns).pipe(
    Effect.map((text) => ({
      text,
      tokens,
      finishReason: tokens.length < result.tokens.length ? "eos" : result.finishReason,
      usage: {
        promptTokens,
        completionTokens: tokens.length,
        nfe: result.nfe,
        steps: result.steps,
        tokensPerForward: result.nfe === 0 ? 0 : Math.round((1000 * result.tokens.length) / result.nfe) / 1000,
      },
      timings: {
        queueMs: Math.round(timings.queueMs),
        totalMs: Math.round(performance.now() - timings.receivedAt),
        modelMs: Math.round(timings.modelMs),
      },
    })),
  )
}
