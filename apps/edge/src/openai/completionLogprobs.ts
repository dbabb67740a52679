import type { TokenLogprob } from "@unmask/wire";
import { tokenPieces, tokenText } from "../tokens/tokenizer.js";

/** OpenAI's legacy `logprobs` of a completion choice, one entry per scored token in each array. */
export interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: number[];
  /** The alternatives at each position by their text; two ids of the same text keep the likelier. */
  top_logprobs: Array<Record<string, number>>;
  /** Where each token's text starts in the choice's `text` (after an echoed prompt). */
  text_offset: number[];
}

const alternatives = (top: TokenLogprob["top"]): Record<string, number> => {
  const byText: Record<string, number> = {};
  for (const { token, logprob } of top) byText[tokenText(token)] ??= logprob;
  return byText;
};

/**
 * The choice's generated tokens that fall within its returned text (`textLength` characters, cut at
 * a stop sequence), each as the text it adds (the pieces join to that text) with its worker score.
 * Prompt tokens are not scored; with `echo` the offsets start after the prompt (`offset`).
 */
export const completionLogprobs = (scores: readonly TokenLogprob[], textLength: number, offset: number): CompletionLogprobs => {
  const pieces = tokenPieces(scores.map(({ token }) => token));
  let count = 0;
  let end = 0;
  while (count < pieces.length && end + pieces[count]!.length <= textLength) end += pieces[count++]!.length;
  // A trailing token that adds "" holds the first bytes of a character the cut left out.
  while (count > 0 && count < pieces.length && pieces[count - 1] === "") count--;
  const logprobs: CompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let position = offset;
  for (let i = 0; i < count; i++) {
    logprobs.tokens.push(pieces[i]!);
    logprobs.token_logprobs.push(scores[i]!.logprob);
    logprobs.top_logprobs.push(alternatives(scores[i]!.top));
    logprobs.text_offset.push(position);
    position += pieces[i]!.length;
  }
  return logprobs;
};
