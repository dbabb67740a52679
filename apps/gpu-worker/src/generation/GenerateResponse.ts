import type { FinishReason } from "@unmask/core"

/** The non-streaming answer of `POST /v1/generate`, also the data of the SSE `done` event. */
export interface GenerateResponse {
  readonly text: string
  /** Generated ids the text was decoded from (up to, not including, the first end-of-text token). */
  readonly tokens: ReadonlyArray<number>
  readonly finishReason: FinishReason
  readonly usage: {
    readonly promptTokens: number
    readonly completionTokens: number
    readonly nfe: number
    readonly steps: number
    /** Generated positions per model call (N / NFE), to three decimals. */
    readonly tokensPerForward: number
  }
  /**
   * Infilling only: the canvas filled in, span by span in order (the prompt, then the request's
   * spans); `generated` marks the spans the model wrote, cut like `text` at the first end-of-text.
   */
  readonly segments?: ReadonlyArray<{ readonly text: string; readonly generated: boolean }>
  readonly timings: {
    readonly queueMs: number
    readonly totalMs: number
    readonly modelMs: number
  }
}
