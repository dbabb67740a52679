import type { ModelError } from "@unmask/core"
import { Effect } from "effect"
import type { BenchModels } from "../models/BenchModels.js"
import { continuationNll } from "./continuationNll.js"
import { repeatedNgramShare } from "./repeatedNgramShare.js"
import { unigramEntropy } from "./unigramEntropy.js"

export interface GeneratedSample {
  /** BOS + prompt tokens. */
  readonly promptIds: Int32Array
  readonly tokens: ReadonlyArray<number>
}

export interface SampleQuality {
  /** exp(Σ NLL / Σ tokens) over all samples' re-tokenised continuations; null when nothing was scored. */
  readonly generativePerplexity: number | null
  /** Mean over samples of the unigram entropy (nats) of each re-tokenised continuation. */
  readonly unigramEntropy: number | null
  /** Mean over samples of the share of repeated 4-grams in each re-tokenised continuation. */
  readonly repeated4gramShare: number | null
  readonly samples: number
  readonly scoredTokens: number
  readonly texts: ReadonlyArray<string>
}

const mean = (values: ReadonlyArray<number>): number | null =>
  values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length

const beforeFirst = (tokens: ReadonlyArray<number>, eosId: number) => {
  const end = tokens.indexOf(eosId)
  return end === -1 ? tokens : tokens.slice(0, end)
}

/**
 * The MDLM protocol: samples are decoded to text, re-tokenised, and scored by the AR model
 * conditioned on the same prompt. Text after the first end-of-text token is not part of a sample.
 */
export const scoreSamples = (
  models: BenchModels,
  samples: ReadonlyArray<GeneratedSample>,
): Effect.Effect<SampleQuality, ModelError> =>
  Effect.gen(function*() {
    let totalNll = 0
    let scoredTokens = 0
    const entropies: Array<number> = []
    const repetitions: Array<number> = []
    const texts: Array<string> = []
    for (const sample of samples) {
      const text = yield* models.decode(beforeFirst(sample.tokens, models.diffusionIds.eosId))
      texts.push(text)
      const continuation = yield* models.encode(text)
      const sequence = Int32Array.from([...sample.promptIds, ...continuation].slice(0, models.contextLength))
      if (sequence.length <= sample.promptIds.length) continue
      const logits = yield* models.arSequenceLogits(sequence)
      totalNll += continuationNll(logits, sequence, sample.promptIds.length, models.arIds.vocabSize)
      scoredTokens += sequence.length - sample.promptIds.length
      const generated = [...sequence.subarray(sample.promptIds.length)]
      entropies.push(unigramEntropy(generated))
      const repetition = repeatedNgramShare(generated)
      if (!Number.isNaN(repetition)) repetitions.push(repetition)
    }
    return {
      generativePerplexity: scoredTokens === 0 ? null : Math.exp(totalNll / scoredTokens),
      unigramEntropy: mean(entropies),
      repeated4gramShare: mean(repetitions),
      samples: samples.length,
      scoredTokens,
      texts,
    }
  })
