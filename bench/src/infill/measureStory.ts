import { Effect } from "effect"
import { concatIds } from "./concatIds.js"
import type { InfillModels } from "./infillModels.js"
import { type Decoding, INFILL_PLAN } from "./InfillPlan.js"
import type { InfillStory } from "./InfillStory.js"
import { cutMiddle } from "./storyCuts.js"

/** What was written before an ending, and the ending's NLL after it. */
export interface WrittenBefore {
  readonly tokens: ReadonlyArray<number>
  readonly endingNll: number
}

export interface MiddleMeasurement {
  readonly bound: number
  readonly boundStandardError: number
  readonly arMiddleNll: number
  readonly trueMiddleEnding: number
  readonly decodings: Readonly<Record<string, { readonly diffusion: WrittenBefore; readonly ar: WrittenBefore }>>
}

export interface ReversalMeasurement {
  readonly trueBeforeEnding: number
  readonly decodings: Readonly<Record<string, { readonly diffusion: WrittenBefore; readonly ar: WrittenBefore }>>
}

/** A seed per story, middle length and decoding, the same for both models. */
const seedOf = (story: InfillStory, length: number) => story.index * 97 + length

/**
 * One story, one middle length: the diffusion bound on the true middle given both sides, AR's exact
 * NLL of it given the left, and for each decoding a middle written by diffusion (both sides) and by
 * AR (left only), each scored by the AR model's NLL of the true ending after it.
 */
export const measureMiddle = (models: InfillModels, bosId: number, story: InfillStory, length: number) =>
  Effect.gen(function*() {
    const { prefix, middle, suffix } = cutMiddle(story.ids, story.middleStart, length, INFILL_PLAN.suffixTokens)
    const left = concatIds([bosId], prefix)
    const whole = concatIds(left, middle, suffix)
    const bound = yield* models.middleBound(whole, left.length, left.length + length, INFILL_PLAN.boundSamples, seedOf(story, length))
    const arMiddleNll = (yield* models.endingNll(left, middle)) / length
    const trueMiddleEnding = yield* models.endingNll(concatIds(left, middle), suffix)
    const written = (decoding: Decoding) =>
      Effect.gen(function*() {
        const seed = seedOf(story, length)
        const diffusion = yield* models.infill([{ fixed: left }, { masks: length }, { fixed: suffix }], { temperature: decoding.temperature, seed })
        const ar = yield* models.continueLeft(left, length, decoding.temperature, seed)
        return {
          diffusion: { tokens: diffusion, endingNll: yield* models.endingNll(concatIds(left, diffusion), suffix) },
          ar: { tokens: ar, endingNll: yield* models.endingNll(concatIds(left, ar), suffix) },
        }
      })
    const decodings: Record<string, MiddleMeasurement["decodings"][string]> = {}
    for (const decoding of INFILL_PLAN.decodings) decodings[decoding.name] = yield* written(decoding)
    return { bound: bound.natsPerToken, boundStandardError: bound.standardError, arMiddleNll, trueMiddleEnding, decodings } satisfies MiddleMeasurement
  })

/**
 * Reversal: only the story's last sentence is given; `length` tokens are written before it, by
 * diffusion (it sees the sentence) and by AR (it sees only BOS), and the sentence is scored after them.
 */
export const measureReversal = (models: InfillModels, bosId: number, story: InfillStory, length: number) =>
  Effect.gen(function*() {
    const bos = Int32Array.of(bosId)
    const trueBefore = story.before.subarray(story.before.length - length)
    const trueBeforeEnding = yield* models.endingNll(concatIds(bos, trueBefore), story.lastSentence)
    const decodings: Record<string, ReversalMeasurement["decodings"][string]> = {}
    for (const decoding of INFILL_PLAN.decodings) {
      const seed = seedOf(story, length) + 1
      const diffusion = yield* models.infill([{ fixed: bos }, { masks: length }, { fixed: story.lastSentence }], { temperature: decoding.temperature, seed })
      const ar = yield* models.continueLeft(bos, length, decoding.temperature, seed)
      decodings[decoding.name] = {
        diffusion: { tokens: diffusion, endingNll: yield* models.endingNll(concatIds(bos, diffusion), story.lastSentence) },
        ar: { tokens: ar, endingNll: yield* models.endingNll(concatIds(bos, ar), story.lastSentence) },
      }
    }
    return { trueBeforeEnding, decodings } satisfies ReversalMeasurement
  })
