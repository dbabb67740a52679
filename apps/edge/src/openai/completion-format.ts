import type { GenerateResponse } from "@unmask/wire";

export type FinishReason = "stop" | "length";

/** OpenAI's usage, plus the diffusion measures: model calls (NFE), denoising steps and tokens per forward. */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  nfe: number;
  steps: number;
  tokens_per_forward: number;
}

export interface CompletionChoice {
  text: string;
  index: 0;
  logprobs: null;
  finish_reason: FinishReason | null;
}

/** The fields every completion object and chunk share. */
export interface CompletionHeader {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
}

export const completionHeader = (requestId: string, model: string): CompletionHeader => ({
  id: `cmpl-${requestId}`,
  object: "text_completion",
  created: Math.floor(Date.now() / 1000),
  model,
});

export const choice = (text: string, finishReason: FinishReason | null): CompletionChoice =>
  ({ text, index: 0, logprobs: null, finish_reason: finishReason });

export const completionUsage = ({ usage }: GenerateResponse): CompletionUsage => ({
  prompt_tokens: usage.promptTokens,
  completion_tokens: usage.completionTokens,
  total_tokens: usage.promptTokens + usage.completionTokens,
  nfe: usage.nfe,
  steps: usage.steps,
  tokens_per_forward: usage.tokensPerForward,
});

/** A stop sequence or the end-of-text token both count as "stop"; running out of tokens is "length". */
export const finishReasonOf = (answer: GenerateResponse, stoppedBySequence: boolean): FinishReason =>
  stoppedBySequence || answer.finishReason === "eos" ? "stop" : "length";
