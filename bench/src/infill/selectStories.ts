import { Effect } from "effect"
import { INFILL_PLAN } from "./InfillPlan.js"
import type { InfillStory } from "./InfillStory.js"
import { middleStart, splitLastSentence } from "./storyCuts.js"

/** The valid split's stories, as the model cards read them. */
export const splitStories = (text: string): ReadonlyArray<string> => text.split("\n<|endoftext|>\n").filter((story) => story.length > 0)

/**
 * The first `count` stories long enough for every cut: a prefix of at least `minPrefixTokens`
 * before the longest middle and a full ending, and a last sentence of a usable length with the
 * longest middle's worth of tokens before it.
 */
export const selectStories = <E>(
  stories: ReadonlyArray<string>,
  count: number,
  encode: (text: string) => Effect.Effect<Int32Array, E>,
): Effect.Effect<{ readonly selected: ReadonlyArray<InfillStory>; readonly read: number }, E> =>
  Effect.gen(function*() {
    const longestMiddle = Math.max(...INFILL_PLAN.middleLengths)
    const selected: Array<InfillStory> = []
    let read = 0
    for (const [index, story] of stories.entries()) {
      if (selected.length === count) break
      read++
      const ids = yield* encode(story)
      const start = middleStart(ids.length, {
        longestMiddle,
        suffixTokens: INFILL_PLAN.suffixTokens,
        minPrefix: INFILL_PLAN.minPrefixTokens,
        contextLength: INFILL_PLAN.contextLength,
      })
      const split = splitLastSentence(story)
      if (start === undefined || split === undefined) continue
      const lastSentence = yield* encode(split.last)
      const before = yield* encode(split.before)
      const { min, max } = INFILL_PLAN.lastSentenceTokens
      if (lastSentence.length < min || lastSentence.length > max || before.length < longestMiddle) continue
      selected.push({ index, ids, middleStart: start, before, lastSentence })
    }
    return { selected, read }
  })
