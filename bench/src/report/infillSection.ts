import { appendFileSync, existsSync, readFileSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import type { InfillResults, SpeedCell } from "../infill/InfillResults.js"
import { type EndingComparison, type MiddleSummary, summarizeInfill, TARGET } from "../infill/summarizeInfill.js"
import { median } from "../stats/summarize.js"

/** The held-out NLLs of `npm run model-card` (results/model-card.json), when present: why the bound is where it is. */
interface HeldOut {
  readonly ar: { readonly natsPerToken: number }
  readonly diffusion: { readonly natsPerToken: number }
}

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "–")
const percent = (value: number) => `${(100 * value).toFixed(1)} %`
const ratio = (value: number) => (value < 1000 ? `×${value.toFixed(2)}` : `×${value.toExponential(1).replace("e+", "e")}`)
const quote = (text: string) => `\`${text.replace(/`/g, "'").replace(/\n/g, "⏎")}\``

const endingRow = (label: string, decoding: string, c: EndingComparison) =>
  `| ${label} | ${decoding} | ${fixed(c.reference, 1)} | ${fixed(c.diffusion, 1)} | ${fixed(c.ar, 1)} | ${fixed(c.gain, 1)} ± ${fixed(c.gainStandardError, 1)} | ${ratio(c.likelihoodRatio)} | ${
    percent(c.nllReduction)
  } | ${percent(c.diffusionBetterShare)} |`

const endingTable = (
  summaries: ReadonlyArray<MiddleSummary>,
  pick: (s: MiddleSummary) => Readonly<Record<string, EndingComparison>>,
  columns: { readonly reference: string; readonly diffusion: string; readonly ar: string },
) => [
  `| k | decoding | ${columns.reference} | ${columns.diffusion} | ${columns.ar} | gain (nats) ± SE | ending likelihood ratio | NLL reduction | stories where diffusion's is better |`,
  "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
  ...summaries.flatMap((s) => Object.entries(pick(s)).map(([decoding, c]) => endingRow(String(s.middleLength), decoding, c))),
]

const speedTable = (cells: ReadonlyArray<SpeedCell>) => {
  const settings = [...new Set(cells.map((cell) => cell.setting))]
  return [
    "| setting | canvas (infill / continuation) | median ms, infill | median ms, continuation | infill ÷ continuation | ms per forward, infill |",
    "|---|---:|---:|---:|---:|---:|",
    ...settings.map((setting) => {
      const infill = cells.find((cell) => cell.setting === setting && cell.kind === "infill")!
      const plain = cells.find((cell) => cell.setting === setting && cell.kind === "continuation")!
      const [a, b] = [median(infill.msPerGeneration), median(plain.msPerGeneration)]
      return `| ${setting} | ${infill.canvasLength} / ${plain.canvasLength} | ${fixed(a, 0)} | ${fixed(b, 0)} | ${fixed(a / b)} | ${fixed(a / infill.nfe, 1)} |`
    }),
  ]
}

const verdict = (summaries: ReadonlyArray<MiddleSummary>, heldOut: HeldOut | undefined): ReadonlyArray<string> => {
  const comparisons = summaries.flatMap((s) => Object.entries(s.endings).map(([decoding, c]) => ({ k: s.middleLength, decoding, c })))
  const endingMet = comparisons.filter(({ c }) => c.likelihoodRatio >= TARGET.likelihoodRatio)
  const boundMet = summaries.filter((s) => s.boundRatio <= TARGET.boundRatio)
  const worstBound = summaries.reduce((worst, s) => (s.boundRatio > worst.boundRatio ? s : worst))
  const lines = [
    `- **Ending target (≥ ${percent(TARGET.likelihoodRatio - 1)} more likely after diffusion's middle): ${endingMet.length === comparisons.length ? "met" : `met in ${endingMet.length} of ${comparisons.length} cases`}**` +
    ` — the smallest factor is ${ratio(Math.min(...comparisons.map(({ c }) => c.likelihoodRatio)))} ` +
    `(the ending's NLL ${percent(Math.min(...comparisons.map(({ c }) => c.nllReduction)))} to ${percent(Math.max(...comparisons.map(({ c }) => c.nllReduction)))} lower). ` +
    "\"More likely\" is the likelihood ratio of the whole 32-token ending, exp(mean per-story NLL gain); read as a 20 % lower NLL instead, " +
    `it is ${comparisons.filter(({ c }) => c.nllReduction >= 0.2).length === comparisons.length ? "met too" : `met in ${comparisons.filter(({ c }) => c.nllReduction >= 0.2).length} of ${comparisons.length} cases`}.`,
    `- **Middle-bound target (within ${percent(TARGET.boundRatio - 1)} of AR's left-only NLL): ${boundMet.length === summaries.length ? "met" : boundMet.length === 0 ? "not met" : `met for k = ${boundMet.map((s) => s.middleLength).join(", ")} only`}**` +
    ` — the bound is ${summaries.map((s) => `${fixed(s.boundRatio)}× (k = ${s.middleLength})`).join(", ")} AR's NLL; at worst ${percent(worstBound.boundRatio - 1)} above it, ` +
    `${fixed(100 * (worstBound.boundRatio - TARGET.boundRatio), 1)} points past the target.`,
  ]
  if (boundMet.length < summaries.length) {
    lines.push(
      "  Why: the bound is an upper bound (the ELBO gap comes on top of the model's true NLL), and the shipped diffusion model is the weaker model overall" +
        (heldOut === undefined ? "" : ` — over whole held-out stories its bound is ${fixed(heldOut.diffusion.natsPerToken)} nats/token against AR's exact ${fixed(heldOut.ar.natsPerToken)} (${fixed(heldOut.diffusion.natsPerToken / heldOut.ar.natsPerToken)}×, \`model-card.json\`)`) +
        ". Seeing the right-hand side narrows that gap on a middle span but does not close it: 3.4 M parameters and 8 M tokens of the LLaDA loss. " +
        "The ending score does not share the handicap: there the diffusion model only writes the middle and the same AR model judges both writers' middles.",
    )
  }
  return lines
}

const examples = (results: InfillResults) => [
  "Side by side (greedy, k = " + (results.examples[0]?.middleLength ?? "–") + "; the ending's NLL under AR after each middle in brackets):",
  "",
  ...results.examples.flatMap((e) => [
    `- story ${e.story}: …${quote(e.prefixTail)} **[middle]** ${quote(e.suffix.slice(0, 80))}…`,
    `  - true middle ${quote(e.trueMiddle)} (${fixed(e.endingNll.trueMiddle, 1)})`,
    `  - diffusion, both sides ${quote(e.diffusionMiddle)} (${fixed(e.endingNll.diffusion, 1)})`,
    `  - AR, left only ${quote(e.arMiddle)} (${fixed(e.endingNll.ar, 1)})`,
  ]),
  "",
  "Reversal (only the last sentence given; greedy, the same k):",
  "",
  ...results.reversalExamples.flatMap((e) => [
    `- story ${e.story}, last sentence ${quote(e.lastSentence)}`,
    `  - true text before it ${quote(e.trueBefore)} · diffusion ${quote(e.diffusion)} · AR (sees only BOS) ${quote(e.ar)}`,
  ]),
]

/** The report section of `npm run bench:infill` (`results/infill.json`). */
export const renderInfillSection = (results: InfillResults, file: string, heldOut?: HeldOut): string => {
  const summaries = summarizeInfill(results)
  const prefix = results.prefixTokens
  return [
    "## Infilling: what the right-hand context buys",
    "",
    `${results.plan.stories} stories of the ${results.plan.split} (the first ${results.plan.storiesRead}, minus those too short), each cut at its midpoint ` +
    `(prefix ${Math.min(...prefix)}–${Math.max(...prefix)} tokens, median ${median(prefix)}) into prefix, a middle of k tokens and an ending of the next ${results.plan.suffixTokens}. ` +
    `Diffusion: \`${results.models.diffusion}\`, given prefix and ending (\`diffusionInfill\`, ${results.plan.stepsPerMiddle}, ${results.plan.remasking}); ` +
    `AR: \`${results.models.ar}\`, given the prefix only. Every ending is scored by the AR model, NLL(ending | prefix + middle), summed over the ending, in nats. ` +
    `\`${file}\` (\`npm run bench:infill\`, ${results.startedAt}, ${results.durationSeconds} s, ${results.machine.cpuModel}, load ${results.machine.loadAverage.join(" / ")}).`,
    "",
    "**1. Likelihood of the true middle** (nats per token): the diffusion model's Monte-Carlo bound given both sides " +
    `(\`likelihoodBound\` with \`answerEnd\`, ${results.plan.boundSamples} samples per story) against the AR model's exact NLL given the left only.`,
    "",
    "| k | diffusion bound, both sides ± SE | AR exact NLL, left only | bound ÷ AR |",
    "|---:|---:|---:|---:|",
    ...summaries.map((s) => `| ${s.middleLength} | ${fixed(s.bound)} ± ${fixed(s.boundStandardError)} | ${fixed(s.arNll)} | ${fixed(s.boundRatio)} |`),
    "",
    "**2. Does the ending follow?** Mean NLL of the true ending after the middle each model wrote (lower: the middle leads into it); " +
    "the gain is AR's NLL minus diffusion's, per story; the likelihood ratio is exp(gain), how many times more likely the ending is after diffusion's middle.",
    "",
    ...endingTable(summaries, (s) => s.endings, { reference: "true middle", diffusion: "diffusion, both sides", ar: "AR, left only" }),
    "",
    "**3. Reversal**: only the story's last sentence is given; each model writes the k tokens before it (AR sees only BOS: it cannot look right), " +
    "and the AR model scores the sentence after them.",
    "",
    ...endingTable(summaries, (s) => s.reversal, { reference: "true text before", diffusion: "diffusion, sees the sentence", ar: "AR, sees only BOS" }),
    "",
    `**4. Speed**: infilling against plain continuation at equal N = T = ${results.speed[0]?.nfe ?? "–"}, greedy, on the same ${Math.round((results.speed[0]?.msPerGeneration.length ?? 0) / 2)} ` +
    "prompts (two interleaved rounds): the infilling canvas also holds the ending, so each forward is longer; the dual cache recomputes only the block either way.",
    "",
    ...speedTable(results.speed),
    "",
    "**Against the issue's targets:**",
    "",
    ...verdict(summaries, heldOut),
    "",
    ...examples(results),
  ].join("\n")
}

/** Appends the infilling section to the report when `npm run bench:infill` has written its results. */
export const appendInfillSection = (reportFile: string, infillFile: string): void => {
  if (!existsSync(infillFile)) return
  const results = JSON.parse(readFileSync(infillFile, "utf8")) as InfillResults
  const cardFile = join(dirname(infillFile), "model-card.json")
  const heldOut = existsSync(cardFile) ? (JSON.parse(readFileSync(cardFile, "utf8")) as HeldOut) : undefined
  appendFileSync(reportFile, `\n\n${renderInfillSection(results, `results/${basename(infillFile)}`, heldOut)}\n`)
}
