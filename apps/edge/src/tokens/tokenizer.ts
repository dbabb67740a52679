import { Tokenizer } from "@huggingface/tokenizers";
import { pieceBytes } from "@unmask/wire";
import tokenizerJson from "../../../../models/tokenizer/tokenizer.json" with { type: "json" };

const shippedTokenizerJson = tokenizerJson as {
  model: { vocab: Record<string, number> };
  added_tokens: Array<{ id: number; content: string; special: boolean }>;
};

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

let tokenBytes: ReadonlyArray<Uint8Array | undefined> | undefined;
/** The bytes of every id of the shipped byte-level vocabulary (an added token: its text), built once per isolate. */
const sharedTokenBytes = (): ReadonlyArray<Uint8Array | undefined> => {
  if (tokenBytes !== undefined) return tokenBytes;
  const bytes: Array<Uint8Array | undefined> = [];
  for (const [piece, id] of Object.entries(shippedTokenizerJson.model.vocab)) bytes[id] = pieceBytes(piece);
  for (const added of shippedTokenizerJson.added_tokens) bytes[added.id] = new TextEncoder().encode(added.content);
  return (tokenBytes = bytes);
};

const bytesOf = (id: number): Uint8Array => sharedTokenBytes()[id] ?? new Uint8Array(0);

/**
 * One id decoded on its own, as the tokenizer decodes it: a piece that is only part of a UTF-8
 * character reads as U+FFFD.
 */
export const tokenText = (id: number): string => new TextDecoder().decode(bytesOf(id));

/**
 * The text each of `tokens` adds to their decoded whole, so that the pieces join to exactly that
 * text: a character split over several tokens appears on the one that completes it (the earlier
 * ones add ""), and an incomplete one at the end reads as U+FFFD on the last token.
 */
export const tokenPieces = (tokens: readonly number[]): string[] => {
  const decoder = new TextDecoder();
  const pieces = tokens.map((id) => decoder.decode(bytesOf(id), { stream: true }));
  const rest = decoder.decode();
  if (pieces.length > 0) pieces[pieces.length - 1] += rest;
  return pieces;
};
