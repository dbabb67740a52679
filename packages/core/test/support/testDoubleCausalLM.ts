import { Effect, Layer } from "effect"
import { CausalLM, ModelError } from "../../src/index.js"

export interface CausalLMDouble {
  readonly layer: Layer.Layer<CausalLM>
  /** "prefill" or "step" per model call, in order. */
  readonly calls: Array<"prefill" | "step">
}

/**
 * TEST DOUBLE for `CausalLM`: the cache is the token sequence so far; the logits of the next token are
 * a pure function of that sequence. Not a model.
 */
export const testDoubleCausalLM = (
  vocab: number,
  nextLogits: (sequence: ReadonlyArray<number>) => ArrayLike<number>,
  options: { readonly logitsLength?: number } = {},
): CausalLMDouble => {
  const calls: Array<"prefill" | "step"> = []
  const output = (sequence: ReadonlyArray<number>) => {
    const logits = new Float32Array(options.logitsLength ?? vocab)
    logits.set(Array.from(nextLogits(sequence)).slice(0, logits.length))
    return { logits, cache: sequence }
  }
  const layer = Layer.succeed(CausalLM, CausalLM.of({
    prefill: (ids) =>
      Effect.sync(() => {
        calls.push("prefill")
        return output(Array.from(ids))
      }),
    step: (token, cache) =>
      Array.isArray(cache)
        ? Effect.sync(() => {
          calls.push("step")
          return output([...(cache as ReadonlyArray<number>), token])
        })
        : Effect.fail(new ModelError({ message: "step called without a cache from prefill" })),
  }))
  return { layer, calls }
}
