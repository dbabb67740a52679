import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { InfillResults } from "../src/infill/InfillResults.js"
import { selectStories, splitStories } from "../src/infill/selectStories.js"
import { cutMiddle, middleStart, splitLastSentence } from "../src/infill/storyCuts.js"
import { compareEndings, summarizeInfill } from "../src/infill/summarizeInfill.js"
import { renderInfillSection } from "../src/report/infillSection.js"
import { testMachine } from "./support/testMachine.js"

const plan = { longestMiddle: 32, suffixTokens: 32, minPrefix: 16, contextLength: 256 }

describe("story cuts", () => {
  it("starts every middle at the story's midpoint, moved left so the longest middle and the ending fit", () => {
    expect(middleStart(200, plan)).toBe(100)
    expect(middleStart(100, plan)).toBe(36) // 100 − 32 − 32
    expect(middleStart(79, plan)).toBe(undefined) // the prefix would be 15 tokens
    expect(middleStart(600, plan)).toBe(255 - 64) // the canvas must fit the context with BOS
  })

  it("cuts prefix, middle and ending", () => {
    const ids = Int32Array.from({ length: 20 }, (_, i) => i)
    const { prefix, middle, suffix } = cutMiddle(ids, 5, 4, 3)
    expect([Array.from(prefix), Array.from(middle), Array.from(suffix)]).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11]])
  })

  it("splits off the last sentence with the whitespace before it; a one-sentence story has none", () => {
    expect(splitLastSentence("Tom ran. He said, \"Hi!\" Then they played.\n")).toEqual({ before: "Tom ran. He said, \"Hi!\"", last: " Then they played." })
    expect(splitLastSentence("A day.\nThe end.")).toEqual({ before: "A day.", last: "\nThe end." })
    expect(splitLastSentence("Only one sentence.")).toBe(undefined)
  })

  it("selects the first stories long enough for every cut, counting what it read", () => {
    // TEST DOUBLE tokenizer: one id per character.
    const encode = (text: string) => Effect.succeed(Int32Array.from(text, (ch) => ch.charCodeAt(0)))
    const long = `${"a".repeat(80)}. ${"b".repeat(60)}. The end.`
    const short = "Too short. Really."
    const oneSentence = "x".repeat(200)
    const split = splitStories([short, long, oneSentence, long].join("\n<|endoftext|>\n"))
    expect(split).toHaveLength(4)
    const { selected, read } = Effect.runSync(selectStories(split, 2, encode))
    expect(read).toBe(4)
    expect(selected.map((story) => story.index)).toEqual([1, 3])
    expect(Array.from(selected[0]!.lastSentence, (id) => String.fromCharCode(id)).join("")).toBe(" The end.")
  })
})

describe("infill summary and section", () => {
  it("compares endings per story: the gain, its likelihood ratio and the stories where diffusion wins", () => {
    const c = compareEndings([10, 20, 30], [12, 21, 29], [9, 9, 9])
    expect(c.gain).toBeCloseTo(2 / 3, 10)
    expect(c.likelihoodRatio).toBeCloseTo(Math.exp(2 / 3), 10)
    expect(c.diffusionBetterShare).toBeCloseTo(2 / 3, 10)
    expect(c.nllReduction).toBeCloseTo((2 / 3) / (62 / 3), 10)
    expect(c.reference).toBe(9)
  })

  // Made-up figures (not measured): diffusion's endings 2 nats better, its bound 1.3× AR's NLL.
  const endings = { greedy: { diffusion: [60, 70], ar: [62, 72] }, "T=1": { diffusion: [61, 71], ar: [63, 73] } }
  const results: InfillResults = {
    startedAt: "2026-01-01T00:00:00.000Z",
    durationSeconds: 1,
    machine: testMachine,
    models: { diffusion: "diffusion", ar: "ar", scorer: "ar" },
    plan: { split: "TinyStories valid split", stories: 2, storiesRead: 3, suffixTokens: 32, boundSamples: 16, remasking: "low_confidence", stepsPerMiddle: "k" },
    prefixTokens: [40, 60],
    middle: [{ middleLength: 8, diffusionBound: [2.6, 2.6], diffusionBoundStandardError: [0.1, 0.1], arMiddleNll: [2, 2], trueMiddleEnding: [50, 50], endings }],
    reversal: [{ middleLength: 8, trueBeforeEnding: [30, 30], endings }],
    speed: [
      { setting: "no cache", kind: "infill", canvasLength: 120, nfe: 32, msPerGeneration: [300, 320] },
      { setting: "no cache", kind: "continuation", canvasLength: 90, nfe: 32, msPerGeneration: [200, 220] },
    ],
    examples: [{ story: 0, middleLength: 8, prefixTail: "Tom had", trueMiddle: " a ball", diffusionMiddle: " a red ball", arMiddle: " a dog", suffix: ". The end.", endingNll: { trueMiddle: 5, diffusion: 6, ar: 9 } }],
    reversalExamples: [{ story: 0, lastSentence: " The end.", trueBefore: " They played", diffusion: " They ran", ar: "Once upon" }],
  }

  it("checks both targets from the figures and says by how much the bound misses", () => {
    const [summary] = summarizeInfill(results)
    expect(summary!.boundRatio).toBeCloseTo(1.3, 10)
    expect(summary!.endings["greedy"]!.likelihoodRatio).toBeCloseTo(Math.exp(2), 10)
    const section = renderInfillSection(results, "results/infill.json", { ar: { natsPerToken: 2 }, diffusion: { natsPerToken: 3 } })
    expect(section).toMatch(/^## Infilling: what the right-hand context buys/)
    expect(section).toContain("**Ending target (≥ 20.0 % more likely after diffusion's middle): met**")
    expect(section).toContain("**Middle-bound target (within 15.0 % of AR's left-only NLL): not met**")
    expect(section).toContain("15.0 points past the target")
    expect(section).toContain("| no cache | 120 / 90 | 310 | 210 | 1.48 | 9.7 |")
    expect(section).toContain("3.00 nats/token against AR's exact 2.00")
  })
})
