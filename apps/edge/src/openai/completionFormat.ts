import type { GenerateResponse } from "@unmask/wire";
import type { CompletionLogprobs } from "./completionLogprobs.js";

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
  index: number;
  /** With the request's `logprobs`, the scores of the choice's tokens; else null. */
  logprobs: CompletionLogprobs | null;
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

export const choice = (
  text: string,
  finishReason: FinishReason | null,
  index: number,
  logprobs: CompletionLogprobs | null = null,
): CompletionChoice => ({ text, index, logprobs, finish_reason: finishReason });

const sumOf = (answers: readonly GenerateResponse[], measure: (usage: GenerateResponse["usage"]) => number): number =>
  answers.reduce((sum, { usage }) => sum + measure(usage), 0);

/**
 * The usage of a completion's generations summed (each of the P×n generations reads its own
 * prompt, so prompt tokens count once per choice); tokens per forward is generated positions over
 * all model calls.
 */
export const completionUsage = (answers: readonly GenerateResponse[]): CompletionUsage => {
  const promptTokens = sumOf(answers, (usage) => usage.promptTokens);
  const completionTokens = sumOf(answers, (usage) => usage.completionTokens);
  const nfe = sumOf(answers, (usage) => usage.nfe);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    nfe,
    steps: sumOf(answers, (usage) => usage.steps),
    tokens_per_forward: answers.length === 1 ? answers[0]!.usage.tokensPerForward : nfe === 0 ? 0 : sumOf(answers, (usage) => usage.tokensPerForward * usage.nfe) / nfe,
  };
};

/** A stop sequence or the end-of-text token both count as "stop"; running out of tokens is "length". */
export const finishReasonOf = (answer: GenerateResponse, stoppedBySequence: boolean): FinishReason =>
  stoppedBySequence || answer.finishReason === "eos" ? "stop" : "length";
