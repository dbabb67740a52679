/** One step of a generation: what the canvas looks like after it. */
export interface Frame {
  /** 0-based index of this step in the whole generation. */
  readonly step: number
  /** 0-based semi-autoregressive block the step worked on (always 0 for AR). */
  readonly block: number
  /** Prompt followed by the generated part; masked positions hold the mask id. A copy: safe to keep. */
  readonly canvas: Int32Array
  /** Canvas positions committed by this step, ascending. */
  readonly committed: ReadonlyArray<number>
  /** Model calls so far, this step's included. */
  readonly nfe: number
}

/** "eos": stopped at an end-of-text token; "length": the generation budget was used up. */
export type FinishReason = "length" | "eos"

/** A token and its log-probability (natural log) at one generated position. */
export interface TokenChoice {
  readonly token: number
  readonly logprob: number
}

/**
 * How likely the sampler's distribution made a generated token: its log-probability at temperature
 * 1 (AR: the raw logits of its step; diffusion: the guided logits of the step that committed it,
 * mask and pad excluded), and the `logprobs` most likely tokens there, most likely first.
 */
export interface TokenLogprob extends TokenChoice {
  readonly top: ReadonlyArray<TokenChoice>
}

export interface GenerationResult {
  /** The generated part only; when finishReason is "eos", the tokens before the end-of-text token. */
  readonly tokens: ReadonlyArray<number>
  /** Model calls (function evaluations). */
  readonly nfe: number
  /** Steps taken (frames emitted). */
  readonly steps: number
  readonly committedPerStep: ReadonlyArray<number>
  readonly finishReason: FinishReason
  /** Only when the parameters asked for `logprobs`: one entry per token of `tokens`, in order. */
  readonly logprobs?: ReadonlyArray<TokenLogprob>
}

/** A generation stream emits one Frame per step, then exactly one Done. */
export type GenerationEvent =
  | { readonly _tag: "Frame"; readonly frame: Frame }
  | { readonly _tag: "Done"; readonly result: GenerationResult }
