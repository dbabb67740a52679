import { Effect, Stream } from "effect"
import { CausalLM, type CausalOutput } from "../model/CausalLM.js"
import { ModelError } from "../model/ModelError.js"
import type { TokenIds } from "../model/TokenIds.js"
import type { ArParams } from "../params/ArParams.js"
import type { InvalidParams } from "../params/InvalidParams.js"
import { makeRng, type Rng } from "../random/Rng.js"
import { forbiddenTokensOf } from "./forbiddenTokens.js"
import type { FinishReason, Frame, GenerationEvent, TokenLogprob } from "./GenerationEvent.js"
import { generationStream } from "./generationStream.js"
import { sampleNextToken } from "./sampleNextToken.js"
import { tokenLogprob } from "./tokenLogprob.js"
import { validatePrompt } from "./validatePrompt.js"

interface ArState {
  readonly generated: ReadonlyArray<number>
  /** The model's cache after the last call; undefined before the prefill. */
  readonly cache: unknown
  readonly nfe: number
  readonly rng: Rng
  readonly finishReason: FinishReason | undefined
  /** With `params.logprobs`: one entry per generated token. */
  readonly logprobs: ReadonlyArray<TokenLogprob> | undefined
}

const expectVocabLogits = (output: CausalOutput, vocabSize: number): Effect.Effect<CausalOutput, ModelError> =>
  output.logits.length === vocabSize
    ? Effect.succeed(output)
    : Effect.fail(new ModelError({ message: `expected ${vocabSize} logits, got ${output.logits.length}` }))

/**
 * Autoregressive baseline over a KV-cached `CausalLM`: the prefill yields the first token, each
 * later token costs one `step` (nfe counts both). One Frame per token (canvas = prompt ++ generated
 * so far), then Done, with the same result shape as `diffusionGenerate`. The mask and pad tokens
 * are never sampled. With `params.logprobs` each token is scored by the log-softmax of its step's
 * raw logits (temperature 1, before top-k/top-p, as vLLM reports it).
 */
export const arGenerate = (
  promptIds: Int32Array,
  params: ArParams,
  ids: TokenIds,
): Stream.Stream<GenerationEvent, InvalidParams | ModelError, CausalLM> =>
  Stream.unwrap(Effect.gen(function*() {
    yield* validatePrompt(promptIds, ids)
    const forbidden = forbiddenTokensOf(ids)
    const callModel = (state: ArState) =>
      CausalLM.use((lm) => {
        const last = state.generated[state.generated.length - 1]
        return last === undefined ? lm.prefill(promptIds) : lm.step(last, state.cache)
      }).pipe(Effect.flatMap((output) => expectVocabLogits(output, ids.vocabSize)))
    const initial: ArState = {
      generated: [],
      cache: undefined,
      nfe: 0,
      rng: makeRng(params.seed),
      finishReason: undefined,
      logprobs: params.logprobs === undefined ? undefined : [],
    }
    const withoutEos = <T>(perToken: ReadonlyArray<T>, finishReason: FinishReason) =>
      finishReason === "eos" ? perToken.slice(0, -1) : perToken
    return generationStream(initial, {
      result: ({ generated, nfe, finishReason, logprobs }) =>
        finishReason === undefined ? undefined : {
          tokens: withoutEos(generated, finishReason),
          nfe,
          steps: generated.length,
          committedPerStep: generated.map(() => 1),
          finishReason,
          ...(logprobs === undefined ? {} : { logprobs: withoutEos(logprobs, finishReason) }),
        },
      step: (state) =>
        Effect.map(callModel(state), ({ logits, cache }) => {
          const rng = state.rng.clone()
          const token = sampleNextToken(logits, params, rng, forbidden)
          const generated = [...state.generated, token]
          const finishReason: FinishReason | undefined = params.stopAtEos && token === ids.eosId
            ? "eos"
            : generated.length === params.maxTokens
            ? "length"
            : undefined
          const canvas = Int32Array.from([...promptIds, ...generated])
          const frame: Frame = { step: state.generated.length, block: 0, canvas, committed: [canvas.length - 1], nfe: state.nfe + 1 }
          const logprobs = state.logprobs === undefined
            ? undefined
            : [...state.logprobs, tokenLogprob(logits, token, params.logprobs ?? 0)]
          return [frame, { generated, cache, nfe: state.nfe + 1, rng, finishReason, logprobs }] as const
        }),
    })
  }))
