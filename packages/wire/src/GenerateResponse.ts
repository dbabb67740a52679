import { Schema } from "effect"

export const FinishReason = Schema.Literals(["length", "eos"])
export type FinishReason = typeof FinishReason.Type

export const GenerationUsage = Schema.Struct({
  promptTokens: Schema.Number,
  completionTokens: Schema.Number,
  nfe: Schema.Number,
  steps: Schema.Number,
  /** Generated positions per model call (N / NFE), to three decimals. */
  tokensPerForward: Schema.Number,
})
export type GenerationUsage = typeof GenerationUsage.Type

const TokenChoice = Schema.Struct({ token: Schema.Number, logprob: Schema.Number })

/**
 * A generated token's log-probability (natural log) under the sampler's distribution at its
 * position, and the request's `logprobs` most likely tokens there, most likely first.
 */
export const TokenLogprob = Schema.Struct({ ...TokenChoice.fields, top: Schema.Array(TokenChoice) })
export type TokenLogprob = typeof TokenLogprob.Type

/** The non-streaming answer of the worker's `POST /v1/generate`, also the data of the SSE `done` event. */
export const GenerateResponse = Schema.Struct({
  text: Schema.String,
  /** Generated ids the text was decoded from (up to, not including, the first end-of-text token). */
  tokens: Schema.Array(Schema.Number),
  finishReason: FinishReason,
  usage: GenerationUsage,
  /**
   * Infilling only: the canvas filled in, span by span in order (the prompt, then the request's
   * spans); `generated` marks the spans the model wrote, cut like `text` at the first end-of-text.
   */
  segments: Schema.optionalKey(Schema.Array(Schema.Struct({ text: Schema.String, generated: Schema.Boolean }))),
  /** Only when the request asked for `logprobs`: one entry per id of `tokens`, in order. */
  logprobs: Schema.optionalKey(Schema.Array(TokenLogprob)),
  timings: Schema.Struct({ queueMs: Schema.Number, totalMs: Schema.Number, modelMs: Schema.Number }),
})
export type GenerateResponse = typeof GenerateResponse.Type
