import type { GenerationResult, TokenIds } from "@unmask/core"
import type { GenerateResponse } from "@unmask/wire"
import { Effect } from "effect"
import type { CanvasSpan } from "../generation/PreparedCanvas.js"
import type { DecodeRuns } from "./DecodeRuns.js"
import { beforeEos, renderCanvas } from "./renderCanvas.js"

export interface ResponseTimings {
  readonly receivedAt: number
  readonly queueMs: number
  readonly modelMs: number
}

/** The spans of an infilling canvas filled in from the generated tokens, in order. */
const filledSpans = (
  spans: ReadonlyArray<CanvasSpan>,
  tokens: ReadonlyArray<number>,
  decodeRuns: DecodeRuns,
): Effect.Effect<GenerateResponse["segments"]> => {
  const gaps: Array<ReadonlyArray<number>> = []
  let offset = 0
  for (const span of spans) {
    if (!("masks" in span)) continue
    gaps.push(tokens.slice(offset, offset + span.masks))
    offset += span.masks
  }
  return Effect.map(decodeRuns(gaps), (texts) => {
    let gap = 0
    return spans.map((span) => ("masks" in span ? { text: texts[gap++]!, generated: true } : { text: span.text, generated: false }))
  })
}

/**
 * A finished generation as the API answer. Text, tokens and their logprobs (when asked for) stop
 * before the first end-of-text token (a diffusion canvas keeps sampling after one); cutting there
 * reports finishReason "eos".
 */
export const toGenerateResponse = (
  result: GenerationResult,
  promptTokens: number,
  ids: TokenIds,
  timings: ResponseTimings,
  decodeRuns: DecodeRuns,
  spans?: ReadonlyArray<CanvasSpan>,
): Effect.Effect<GenerateResponse> => {
  const tokens = beforeEos(result.tokens, ids.eosId)
  const segments = spans === undefined ? Effect.succeed(undefined) : filledSpans(spans, tokens, decodeRuns)
  return Effect.all([renderCanvas(tokens, ids, decodeRuns), segments]).pipe(
    Effect.map(([text, filled]) => ({
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
      ...(filled === undefined ? {} : { segments: filled }),
      ...(result.logprobs === undefined ? {} : { logprobs: result.logprobs.slice(0, tokens.length) }),
      timings: {
        queueMs: Math.round(timings.queueMs),
        totalMs: Math.round(performance.now() - timings.receivedAt),
        modelMs: Math.round(timings.modelMs),
      },
    })),
  )
}
