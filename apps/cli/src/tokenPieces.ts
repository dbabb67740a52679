import { pieceBytes } from "@unmask/wire"
import { readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"

/**
 * Per-token text for the live view, so that the tokens a step commits can be highlighted: the SSE
 * `step` event carries ids and the canvas decoded as a whole, not token by token. Reads the shipped
 * byte-level BPE vocabulary (models/tokenizer/tokenizer.json) in plain TypeScript.
 */
export interface Vocabulary {
  /** The bytes of each id; undefined for ids outside the vocabulary. */
  readonly bytes: ReadonlyArray<Uint8Array | undefined>
  readonly maskId: number
  readonly eosId: number
}

const encoder = new TextEncoder()

interface TokenizerJson {
  readonly model?: { readonly type?: string; readonly vocab?: Readonly<Record<string, number>> }
  readonly decoder?: { readonly type?: string }
  readonly added_tokens?: ReadonlyArray<{ readonly id: number; readonly content: string }>
}

/** A vocabulary from a tokenizer.json; undefined unless it is a byte-level BPE (what this decoder knows). */
export const vocabularyFromTokenizer = (json: TokenizerJson, maskId: number, eosId: number): Vocabulary | undefined => {
  if (json.model?.type !== "BPE" || json.decoder?.type !== "ByteLevel" || json.model.vocab === undefined) return undefined
  const bytes: Array<Uint8Array | undefined> = []
  for (const [piece, id] of Object.entries(json.model.vocab)) bytes[id] = pieceBytes(piece)
  for (const added of json.added_tokens ?? []) bytes[added.id] = encoder.encode(added.content)
  return { bytes, maskId, eosId }
}

const defaultModelDir = () => fileURLToPath(new URL("../../../models/", import.meta.url))

/**
 * The vocabulary of the shipped diffusion model (`MODEL_DIR` as the worker reads it, else the
 * repository's models/); undefined when it cannot be read. Display only: a view built from it is
 * checked against the worker's own text before use.
 */
export const loadVocabulary = (env: Readonly<Record<string, string | undefined>>): Vocabulary | undefined => {
  try {
    const modelDir = env["MODEL_DIR"] ?? defaultModelDir()
    const configPath = resolve(modelDir, "diffusion", "config.json")
    const config = JSON.parse(readFileSync(configPath, "utf8")) as {
      tokenizer?: string
      special_tokens?: { mask?: number; eos?: number }
    }
    const { mask, eos } = config.special_tokens ?? {}
    if (typeof config.tokenizer !== "string" || typeof mask !== "number" || typeof eos !== "number") return undefined
    const tokenizer = JSON.parse(readFileSync(resolve(dirname(configPath), config.tokenizer), "utf8")) as TokenizerJson
    return vocabularyFromTokenizer(tokenizer, mask, eos)
  } catch {
    return undefined
  }
}

/** A canvas position for display: a mask, or a token's text (empty while its UTF-8 character is incomplete). */
export type Piece =
  | { readonly _tag: "Mask"; readonly position: number }
  | { readonly _tag: "Token"; readonly position: number; readonly text: string }

/**
 * The generated region as pieces, up to the first end-of-text token like the worker's `text`;
 * undefined when an id is unknown. Runs between masks decode as one byte stream, so a character
 * split over two tokens appears on the second.
 */
export const decodePieces = (vocabulary: Vocabulary, tokens: ReadonlyArray<number>): Array<Piece> | undefined => {
  const pieces: Array<Piece> = []
  let decoder = new TextDecoder()
  for (let position = 0; position < tokens.length; position++) {
    const id = tokens[position]!
    if (id === vocabulary.eosId) break
    if (id === vocabulary.maskId) {
      const rest = decoder.decode()
      if (rest !== "" && pieces.length > 0) {
        const last = pieces[pieces.length - 1]!
        if (last._tag === "Token") pieces[pieces.length - 1] = { ...last, text: last.text + rest }
      }
      decoder = new TextDecoder()
      pieces.push({ _tag: "Mask", position })
      continue
    }
    const bytes = vocabulary.bytes[id]
    if (bytes === undefined) return undefined
    pieces.push({ _tag: "Token", position, text: decoder.decode(bytes, { stream: true }) })
  }
  const rest = decoder.decode()
  const last = pieces[pieces.length - 1]
  if (rest !== "" && last?._tag === "Token") pieces[pieces.length - 1] = { ...last, text: last.text + rest }
  return pieces
}
