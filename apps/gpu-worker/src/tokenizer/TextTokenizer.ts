import { readFileSync } from "node:fs"
import { Context, Effect, Layer } from "effect"
import { Tokenizer } from "tokenizers"
import { errorMessage } from "../errorMessage.js"
import { ModelLoadError } from "../models/ModelLoadError.js"
import { ModelRegistry } from "../models/ModelRegistry.js"
import type { DecodeRuns } from "../streamers/DecodeRuns.js"

/** The BPE tokenizer every model shares (`tokenizers`, Rust binding). */
export class TextTokenizer extends Context.Service<TextTokenizer, {
  /**
   * User text as plain text: no special token is added, and text that spells one (`[MASK]`,
   * `<|endoftext|>`, `[PAD]`) is encoded as its characters, never as the control token.
   */
  readonly encode: (text: string) => Effect.Effect<Int32Array>
  /** Decodes several id runs at once, special tokens skipped. */
  readonly decodeRuns: DecodeRuns
}>()("@unmask/gpu-worker/TextTokenizer") {}

export const TextTokenizerLive = Layer.effect(
  TextTokenizer,
  Effect.gen(function*() {
    const path = (yield* ModelRegistry).tokenizerPath
    const [tokenizer, plainTextTokenizer] = yield* Effect.try({
      try: () => {
        const json = readFileSync(path, "utf8")
        // The added tokens are matched in the input before the BPE model runs; without them every
        // string is plain BPE text (the special tokens are not in the BPE vocabulary).
        const withoutAddedTokens = JSON.stringify({ ...JSON.parse(json), added_tokens: [] })
        return [Tokenizer.fromString(json), Tokenizer.fromString(withoutAddedTokens)] as const
      },
      catch: (cause) => new ModelLoadError({ path, message: `cannot load tokenizer: ${errorMessage(cause)}` }),
    })
    return {
      encode: (text) =>
        Effect.promise(() => plainTextTokenizer.encode(text, null, { addSpecialTokens: false })).pipe(
          Effect.map((encoding) => Int32Array.from(encoding.getIds())),
        ),
      decodeRuns: (runs) => Effect.promise(() => tokenizer.decodeBatch(runs.map((run) => [...run]), true)),
    }
  }),
)
