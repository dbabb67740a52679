import { Tokenizer } from "@huggingface/tokenizers";
import tokenizerJson from "../../../../models/tokenizer/tokenizer.json" with { type: "json" };

const shippedTokenizerJson = tokenizerJson as { added_tokens: Array<{ id: number; special: boolean }> };

/** End-of-text, mask and pad: any of them ends the readable text. */
const SPECIAL_IDS = new Set(shippedTokenizerJson.added_tokens.filter((token) => token.special).map((token) => token.id));

let tokenizer: Tokenizer | undefined;
/** The models' byte-level BPE tokenizer (the shipped tokenizer.json), built once per isolate. */
const sharedTokenizer = (): Tokenizer => (tokenizer ??= new Tokenizer(tokenizerJson, {}));

let plainTextTokenizer: Tokenizer | undefined;
/**
 * The same tokenizer without its added tokens, for user text: a prompt that spells `[MASK]` or
 * `<|endoftext|>` is encoded as those characters, exactly as the worker encodes it.
 */
const sharedPlainTextTokenizer = (): Tokenizer =>
  (plainTextTokenizer ??= new Tokenizer({ ...shippedTokenizerJson, added_tokens: [] }, {}));

/** Prompt length in tokens, as the worker counts it (plain text, without the BOS it prepends). */
export const countTokens = (text: string): number =>
  sharedPlainTextTokenizer().encode(text, { add_special_tokens: false }).ids.length;

/**
 * The text of the leading tokens that are final: everything before the first special token
 * (a mask still to be filled, or the end of text). A trailing incomplete UTF-8 sequence is held back.
 */
export const settledPrefixText = (tokens: readonly number[]): string => {
  const end = tokens.findIndex((id) => SPECIAL_IDS.has(id));
  const settled = end === -1 ? [...tokens] : tokens.slice(0, end);
  if (settled.length === 0) return "";
  return sharedTokenizer().decode(settled, { skip_special_tokens: false }).replace(/\uFFFD+$/, "");
};
