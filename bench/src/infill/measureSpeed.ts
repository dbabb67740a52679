import { promptTemplate } from "@unmask/core"
import { Effect } from "effect"
import { median } from "../stats/summarize.js"
import { concatIds } from "./concatIds.js"
import type { InfillModels } from "./infillModels.js"
import { INFILL_PLAN } from "./InfillPlan.js"
import type { SpeedCell } from "./InfillResults.js"
import type { InfillStory } from "./InfillStory.js"
import { cutMiddle } from "./storyCuts.js"

const { genLength, steps, rounds, dualBlockLength } = INFILL_PLAN.speed
const SETTINGS = [
  { setting: "no cache", params: {} },
  { setting: `dual cache, blocks of ${dualBlockLength}`, params: { cache: "dual", blockLength: dualBlockLength } },
] as const

/**
 * Infilling against plain continuation at equal N and T, greedy, on the same prompts: the infilling
 * canvas also holds the ending (so it is longer), the continuation's ends with its N masks. Rounds
 * are interleaved (every cell once per round), so a slow spell of the shared machine hits all alike.
 */
export const measureSpeed = (models: InfillModels, bosId: number, stories: ReadonlyArray<InfillStory>) =>
  Effect.gen(function*() {
    const cells = SETTINGS.flatMap(({ setting, params }) =>
      (["infill", "continuation"] as const).map((kind) => ({ setting, params, kind, ms: [] as Array<number>, lengths: [] as Array<number> }))
    )
    for (let round = 0; round < rounds; round++) {
      for (const story of stories) {
        const { prefix, suffix } = cutMiddle(story.ids, story.middleStart, genLength, INFILL_PLAN.suffixTokens)
        const left = concatIds([bosId], prefix)
        for (const cell of cells) {
          const template = cell.kind === "infill" ? [{ fixed: left }, { masks: genLength }, { fixed: suffix }] : promptTemplate(left, genLength)
          const started = performance.now()
          yield* models.infill(template, { temperature: 0, seed: 0, steps, ...cell.params })
          cell.ms.push(performance.now() - started)
          cell.lengths.push(left.length + genLength + (cell.kind === "infill" ? suffix.length : 0))
        }
      }
    }
    return cells.map((cell): SpeedCell => ({
      setting: cell.setting,
      kind: cell.kind,
      canvasLength: median(cell.lengths),
      nfe: steps,
      msPerGeneration: cell.ms.map((ms) => Math.round(ms * 10) / 10),
    }))
  })
