import { Context, Effect, Layer } from "effect"
import { Tokenizer } from "tokenizers"
import { errorMessage } from "../errorMessage.js"
import { ModelLoadError } from "../models/ModelLoadError.js"
import { ModelRegistry } from "../models/ModelRegistry.js"
import type { DecodeRuns } from "../streamers/DecodeRuns.js"

/** The shared BPE tokenizer (`tokenizers`, Rust binding). Special tokens are not added on encode. */
export class TextTokenizer extends Context.Service<TextTokenizer, {
  readonly encode: (text: string) => Effect.Effect<Int32Array>
  /** Decodes several id runs at once, special tokens skipped. */
  readonly decodeRuns: DecodeRuns
}>()("@unmask/gpu-worker/TextTokenizer") {}

export const TextTokenizerLive = Layer.effect(
  TextTokenizer,
  Effect.gen(function*() {
    const models = yield* ModelRegistry
    const path = models.diffusion.tokenizerPath
    if (models.ar.tokenizerPath !== path) {
      return yield* new ModelLoadError({
        path,
        message: `the diffusion and ar models name different tokenizers (${path}, ${models.ar.tokenizerPath})`,
      })
    }
    const tokenizer = yield* Effect.try({
      try: () => Tokenizer.fromFile(path),
      catch: (cause) => new ModelLoadError({ path, message: `cannot load tokenizer: ${errorMessage(cause)}` }),
    })
    return {
      encode: (text) =>
        Effect.promise(() => tokenizer.encode(text, null, { addSpecialTokens: false })).pipe(
          Effect.map((encoding) => Int32Array.from(encoding.getIds())),
        ),
      decodeRuns: (runs) => Effect.promise(() => tokenizer.decodeBatch(runs.map((run) => [...run]), true)),
    }
  }),
)
