import { Console, Effect } from "effect"
import { describeMachine } from "../machine/describeMachine.js"
import type { BenchModels } from "../models/BenchModels.js"
import { infillModels } from "./infillModels.js"
import { INFILL_PLAN } from "./InfillPlan.js"
import type { InfillExample, InfillResults, MiddleLengthResults, ReversalResults } from "./InfillResults.js"
import type { InfillStory } from "./InfillStory.js"
import { measureMiddle, measureReversal, type MiddleMeasurement, type ReversalMeasurement } from "./measureStory.js"
import { measureSpeed } from "./measureSpeed.js"
import { cutMiddle } from "./storyCuts.js"

const round4 = (value: number) => Math.round(value * 1e4) / 1e4
const decodingNames = INFILL_PLAN.decodings.map((decoding) => decoding.name)

const endingsOf = (measurements: ReadonlyArray<MiddleMeasurement | ReversalMeasurement>) =>
  Object.fromEntries(decodingNames.map((name) => [name, {
    diffusion: measurements.map((m) => round4(m.decodings[name]!.diffusion.endingNll)),
    ar: measurements.map((m) => round4(m.decodings[name]!.ar.endingNll)),
  }]))

/** Every figure of the infilling section, on `stories`: the middles, the reversal, the speed, a few examples. */
export const runInfill = (
  models: BenchModels,
  stories: ReadonlyArray<InfillStory>,
  meta: { readonly storiesRead: number; readonly diffusionModel: string },
) =>
  Effect.gen(function*() {
    const startedAt = new Date()
    const infill = infillModels(models)
    const text = (ids: ArrayLike<number>) => models.decode(Array.from(ids))
    const middle: Array<MiddleLengthResults> = []
    const reversal: Array<ReversalResults> = []
    const examples: Array<InfillExample> = []
    const reversalExamples: Array<InfillResults["reversalExamples"][number]> = []
    for (const length of INFILL_PLAN.middleLengths) {
      const measured: Array<MiddleMeasurement> = []
      const reversed: Array<ReversalMeasurement> = []
      for (const [position, story] of stories.entries()) {
        const result = yield* measureMiddle(infill, models.bosId, story, length)
        const reversedResult = yield* measureReversal(infill, models.bosId, story, length)
        measured.push(result)
        reversed.push(reversedResult)
        if (length === INFILL_PLAN.examples.middleLength && position < INFILL_PLAN.examples.stories) {
          const cut = cutMiddle(story.ids, story.middleStart, length, INFILL_PLAN.suffixTokens)
          const greedy = result.decodings["greedy"]!
          examples.push({
            story: story.index,
            middleLength: length,
            prefixTail: yield* text(cut.prefix.subarray(Math.max(0, cut.prefix.length - 24))),
            trueMiddle: yield* text(cut.middle),
            diffusionMiddle: yield* text(greedy.diffusion.tokens),
            arMiddle: yield* text(greedy.ar.tokens),
            suffix: yield* text(cut.suffix),
            endingNll: { trueMiddle: round4(result.trueMiddleEnding), diffusion: round4(greedy.diffusion.endingNll), ar: round4(greedy.ar.endingNll) },
          })
          const reversedGreedy = reversedResult.decodings["greedy"]!
          reversalExamples.push({
            story: story.index,
            lastSentence: yield* text(story.lastSentence),
            trueBefore: yield* text(story.before.subarray(story.before.length - length)),
            diffusion: yield* text(reversedGreedy.diffusion.tokens),
            ar: yield* text(reversedGreedy.ar.tokens),
          })
        }
      }
      middle.push({
        middleLength: length,
        diffusionBound: measured.map((m) => round4(m.bound)),
        diffusionBoundStandardError: measured.map((m) => round4(m.boundStandardError)),
        arMiddleNll: measured.map((m) => round4(m.arMiddleNll)),
        trueMiddleEnding: measured.map((m) => round4(m.trueMiddleEnding)),
        endings: endingsOf(measured),
      })
      reversal.push({ middleLength: length, trueBeforeEnding: reversed.map((m) => round4(m.trueBeforeEnding)), endings: endingsOf(reversed) })
      yield* Console.error(`infill: k = ${length} done (${Math.round((Date.now() - startedAt.getTime()) / 1000)} s)`)
    }
    const speed = yield* measureSpeed(infill, models.bosId, stories.slice(0, INFILL_PLAN.speed.stories))
    const results: InfillResults = {
      startedAt: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      machine: describeMachine(models.provider, models.intraOpThreads),
      models: { diffusion: meta.diffusionModel, ar: "ar", scorer: "ar" },
      plan: {
        split: "TinyStories valid split",
        stories: stories.length,
        storiesRead: meta.storiesRead,
        suffixTokens: INFILL_PLAN.suffixTokens,
        boundSamples: INFILL_PLAN.boundSamples,
        remasking: "low_confidence",
        stepsPerMiddle: "k (one token per step), no cache",
      },
      prefixTokens: stories.map((story) => story.middleStart),
      middle,
      reversal,
      speed,
      examples,
      reversalExamples,
    }
    return results
  })
