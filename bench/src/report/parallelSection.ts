import type { CalibrationBin } from "../diagnose/calibration.js"
import type { FastResults } from "../fast/FastResults.js"
import type { CellResult, GridResults } from "../grid/GridResults.js"

/** What `npm run bench:diagnose` wrote, per diffusion model. */
export interface DiagnosisFile {
  readonly measuredAt: string
  readonly promptLength: number
  readonly models: Readonly<Record<string, {
    readonly plan: { readonly genLength: number; readonly blockLength: number }
    readonly prompts: number
    readonly oracle: { readonly meanOracleTokensPerForward: number }
    readonly calibration: { readonly bins: ReadonlyArray<CalibrationBin>; readonly predictions: number; readonly ece: number }
  }>>
}

/** The held-out figures of `npm run model-card` (one file per diffusion model). */
export interface HeldOut {
  readonly evaluation: { readonly stories: number; readonly tokens: number; readonly boundSamplesPerStory: number }
  readonly ar: { readonly natsPerToken: number }
  readonly diffusion: { readonly natsPerToken: number; readonly standardError: number }
}

export interface ParallelInputs {
  readonly fast: FastResults
  readonly fastFile: string
  readonly diagnosis?: DiagnosisFile
  readonly heldOut: Readonly<Record<string, HeldOut>>
  /** The model trained for parallel decoding and the one it started from. */
  readonly fastModel: string
  readonly baseModel: string
  /** The N-vs-T grid, when it measured the fast model too. */
  readonly grid?: GridResults
  readonly gridFile?: string
}

const fixed = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits)

const modelOf = (cell: CellResult) => cell.diffusionModel ?? "diffusion"
const isAr = (cell: CellResult) => cell.sampler.kind === "ar"
const isPlain = (cell: CellResult) => cell.sampler.kind === "vanilla" && cell.steps === cell.genLength
const isDual = (cell: CellResult) => cell.sampler.kind === "cached" && cell.sampler.cache === "dual" && cell.sampler.confidenceHead

const rows = (inputs: ParallelInputs, genLength: number) => {
  const atN = inputs.fast.cells.filter((cell) => cell.genLength === genLength)
  const ar = atN.find(isAr)
  const shown = atN.filter((cell) => isAr(cell) || ([inputs.baseModel, inputs.fastModel].includes(modelOf(cell)) && (isPlain(cell) || isDual(cell))))
  return { ar, shown, atN }
}

const table = (inputs: ParallelInputs, genLength: number) => {
  const { ar, shown } = rows(inputs, genLength)
  return [
    `| N = ${genLength} | model | NFE | tokens / forward | wall ms | time ÷ AR + KV | gen-PPL (AR judge) | unigram entropy | repeated 4-grams |`,
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ...shown.map((cell) =>
      `| ${isAr(cell) ? "AR + KV cache" : isPlain(cell) ? "plain LLaDA, T = N" : cell.label.replace(/^[^:]+: /, "")} | ${isAr(cell) ? "ar" : modelOf(cell)} | ${cell.nfe} | ${fixed(cell.tokensPerForward)} | ${
        fixed(cell.wallMs.median, 0)
      } | ${ar === undefined ? "–" : `${fixed(cell.wallMs.median / ar.wallMs.median)}×`} | ${fixed(cell.quality.generativePerplexity)} | ${fixed(cell.quality.unigramEntropy)} | ${
        fixed((cell.quality.repeated4gramShare ?? Number.NaN) * 100, 1)
      } % |`
    ),
  ].join("\n")
}

const speedTargets = (cell: CellResult, ar: CellResult) =>
  `${cell.tokensPerForward >= 3 ? "≥ 3.0 met" : cell.tokensPerForward >= 2 ? "only the 2.0 bar met" : "tokens per forward not met"}, ` +
  `${cell.wallMs.median <= 0.5 * ar.wallMs.median ? "time met" : "time not met"}`

/** Each target of the issue at one N, checked against the best setting of the fast model that keeps quality. */
const verdict = (inputs: ParallelInputs, genLength: number) => {
  const { ar, atN } = rows(inputs, genLength)
  const basePlain = atN.find((cell) => modelOf(cell) === inputs.baseModel && isPlain(cell))
  const candidates = atN.filter((cell) => modelOf(cell) === inputs.fastModel && isDual(cell))
  if (ar === undefined || basePlain === undefined || candidates.length === 0) return `- N = ${genLength}: cells missing.`
  const qualityHolds = (cell: CellResult) =>
    (cell.quality.generativePerplexity ?? Infinity) <= (basePlain.quality.generativePerplexity ?? 0) &&
    Math.abs((cell.quality.unigramEntropy ?? 0) / (ar.quality.unigramEntropy ?? 1) - 1) <= 0.05 &&
    (cell.quality.repeated4gramShare ?? Infinity) <= (ar.quality.repeated4gramShare ?? 0)
  const fastest = [...candidates].sort((a, b) => a.wallMs.median - b.wallMs.median)[0]!
  const good = candidates.filter(qualityHolds).sort((a, b) => a.wallMs.median - b.wallMs.median)[0]
  const describe = (cell: CellResult) =>
    `${cell.label.replace(/^[^:]+: /, "")}: ${fixed(cell.tokensPerForward)} tokens per forward, ${fixed(cell.wallMs.median / ar.wallMs.median)}× AR's time, gen-PPL ${
      fixed(cell.quality.generativePerplexity)
    } (plain LLaDA on ${inputs.baseModel}: ${fixed(basePlain.quality.generativePerplexity)}), entropy ${fixed(cell.quality.unigramEntropy)} (AR ${fixed(ar.quality.unigramEntropy)}), repeated 4-grams ${
      fixed((cell.quality.repeated4gramShare ?? Number.NaN) * 100, 1)
    } % (AR ${fixed((ar.quality.repeated4gramShare ?? Number.NaN) * 100, 1)} %)`
  return [
    `- N = ${genLength}, fastest ${inputs.fastModel} setting: ${describe(fastest)}.`,
    good === undefined
      ? `  No ${inputs.fastModel} setting meets all three quality targets at this N.`
      : `  Fastest setting that meets all three quality targets: ${describe(good)}.`,
    `  Speed targets (≥ 3.0 tokens per forward, 2.0 at least; ≤ 0.5× AR's time): at the fastest setting ${speedTargets(fastest, ar)}` +
    `${good === undefined ? "" : `; with the quality targets held, ${speedTargets(good, ar)}`}.`,
  ].join("\n")
}

const calibrationTable = (inputs: ParallelInputs) => {
  const diagnosis = inputs.diagnosis
  if (diagnosis === undefined) return "No `bench/results/diagnosis.json`: run `npm run bench:diagnose`."
  const names = Object.keys(diagnosis.models)
  const first = diagnosis.models[names[0]!]!
  const header = `| confidence | ${names.map((name) => `${name}: predictions | ${name}: accuracy`).join(" | ")} |`
  const lines = first.calibration.bins.map((bin, b) =>
    `| [${bin.low.toFixed(1)}, ${bin.high.toFixed(1)}${b === first.calibration.bins.length - 1 ? "]" : ")"} | ${
      names.map((name) => {
        const other = diagnosis.models[name]!.calibration.bins[b]!
        return `${other.count} | ${other.count === 0 ? "–" : `${fixed(other.accuracy * 100, 1)} % (conf ${fixed(other.meanConfidence)})`}`
      }).join(" | ")
    } |`
  )
  return [
    `Greedy T = N runs (one token a call, blocks of ${first.plan.blockLength}, N = ${first.plan.genLength}, P = ${diagnosis.promptLength} + BOS, ${first.prompts} fixed prompts; \`npm run bench:diagnose\`, ${diagnosis.measuredAt}).`,
    "",
    `| | ${names.join(" | ")} |`,
    `|---|${names.map(() => "---:").join("|")}|`,
    `| oracle tokens per forward (commit every already-final token) | ${names.map((name) => fixed(diagnosis.models[name]!.oracle.meanOracleTokensPerForward)).join(" | ")} |`,
    `| expected calibration error | ${names.map((name) => fixed(diagnosis.models[name]!.calibration.ece, 3)).join(" | ")} |`,
    "",
    "The oracle is computed along the T = N trajectory: it bounds a rule that would reproduce that trajectory's tokens. A rule that commits earlier changes the canvas the next calls see, so its tokens per forward can exceed the oracle's (and its text differs from T = N's): compare the tables above.",
    "",
    "Reliability: the top-1 confidence at the current block's masked positions of every call, against whether that token is what the run finally committed there.",
    "",
    header,
    `|---|${names.map(() => "---:|---:").join("|")}|`,
    ...lines,
  ].join("\n")
}

const heldOutLines = (inputs: ParallelInputs) =>
  Object.entries(inputs.heldOut).map(([name, card]) =>
    `| ${name} | ${fixed(card.diffusion.natsPerToken, 3)} ± ${fixed(card.diffusion.standardError, 3)} | ${fixed(card.ar.natsPerToken, 3)} | ${
      fixed(card.diffusion.natsPerToken / card.ar.natsPerToken)
    }× | ${card.evaluation.stories} stories, ${card.evaluation.tokens} tokens, ${card.evaluation.boundSamplesPerStory} samples each |`
  ).join("\n")

/** Vanilla (one block) sampling at T = N / k, both models against AR in the grid's own run (temperature as the grid's). */
const gridTable = (inputs: ParallelInputs) => {
  const grid = inputs.grid
  if (grid === undefined || !grid.cells.some((cell) => cell.diffusionModel === inputs.fastModel)) return ""
  const vanilla = grid.cells.filter((cell) => cell.sampler.kind === "vanilla" && modelOf(cell) === inputs.baseModel)
  const lines = vanilla.map((cell) => {
    const ar = grid.cells.find((other) => isAr(other) && other.promptLength === cell.promptLength && other.genLength === cell.genLength)
    const fast = grid.cells.find((other) => other.diffusionModel === inputs.fastModel && other.id === `${inputs.fastModel}-${cell.id}`)
    const ratio = (c: CellResult | undefined) => c === undefined || ar === undefined ? "–" : `${fixed(c.wallMs.median / ar.wallMs.median)}×`
    return `| ${cell.promptLength} | ${cell.genLength} | ${cell.steps} | ${ratio(cell)} | ${fixed(cell.quality.generativePerplexity)} | ${ratio(fast)} | ${fixed(fast?.quality.generativePerplexity)} | ${fixed(ar?.quality.generativePerplexity)} |`
  })
  return `### The N-vs-T grid for both models

From \`${inputs.gridFile ?? "bench/results/grid.json"}\` (\`npm run bench\`, ${grid.startedAt}, temperature ${grid.axes.temperature}, one block, T = N / k):
a fixed schedule makes both models take the same calls, so only quality separates them here.

| P | N | T | ${inputs.baseModel} time ÷ AR | gen-PPL | ${inputs.fastModel} time ÷ AR | gen-PPL | AR gen-PPL |
|---:|---:|---:|---:|---:|---:|---:|---:|
${lines.join("\n")}
`
}

/** The report's section on the model trained for parallel decoding, beside the model it started from. */
export const renderParallelSection = (inputs: ParallelInputs): string => {
  const lengths = [...new Set(inputs.fast.cells.filter((cell) => cell.diffusionModel === inputs.fastModel).map((cell) => cell.genLength))].sort((a, b) => a - b)
  return `## Trained for parallel decoding

\`models/${inputs.fastModel}\` is \`models/${inputs.baseModel}\` fine-tuned with sequence-level distillation from the AR model and certainty
forcing (recipe and budget: \`models/${inputs.fastModel}/README.md\`, \`training/README.md\`). Both are measured in the same run of
\`${inputs.fastFile}\` (\`npm run bench:fast\`, ${inputs.fast.startedAt}), greedy, P = ${inputs.fast.axes.promptLength} + BOS, blocks of
${inputs.fast.axes.blockLength}, against AR + KV cache; load average at the start ${inputs.fast.machine.loadAverage.join(" / ")} (wall-time ratios
move with the machine's other work; NFE, tokens per forward and the quality figures do not). Quality beside speed: gen-PPL is judged by the AR model (\`models/ar\`) on the
re-tokenised samples; **an AR judge favours text distilled from that same AR model**, so the fast model's gen-PPL is flattered —
read it with the unigram entropy, the repeated-4-gram share and the held-out bound on real stories below.

${lengths.map((genLength) => table(inputs, genLength)).join("\n\n")}

### Against the targets

${lengths.map((genLength) => verdict(inputs, genLength)).join("\n")}

### Held-out likelihood bound on real stories

| diffusion model | bound (nats/token, ± s.e.) | AR exact NLL, same tokens | ratio | evaluation |
|---|---:|---:|---:|---|
${heldOutLines(inputs)}

### Why parallel rules starve: oracle and calibration

${calibrationTable(inputs)}

${gridTable(inputs)}`
}
