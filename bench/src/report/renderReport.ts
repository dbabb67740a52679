import { type CostModel, formatFit, type PredictedCrossover, predictCrossover } from "../costModel/fitCostModel.js"
import type { GpuCallProfile } from "../costModel/GpuCallProfile.js"
import type { MeasuredCrossover } from "../costModel/measuredCrossover.js"
import type { CellResult, GridResults } from "../grid/GridResults.js"
import { median } from "../stats/summarize.js"

export interface ReportInputs {
  readonly results: GridResults
  readonly gridFile: string
  readonly model: CostModel
  readonly predicted: ReadonlyArray<PredictedCrossover>
  readonly measured: ReadonlyArray<MeasuredCrossover>
  readonly charts: ReadonlyArray<{ readonly file: string; readonly title: string }>
  /** Rendered from bench/results/fast.json when the fast-decoding bench ran. */
  readonly fastSection?: string
  /** Fitted on bench/results/gpu-calls.json when a GPU session measured it. */
  readonly gpu?: {
    readonly profile: GpuCallProfile
    readonly model: CostModel
    readonly hostKvModel: CostModel
  }
}

const fixed = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits)

/** Host-side work per model call (sampler, JS, scheduling): what a faster accelerator does not remove. */
const overheadPerCallMs = (cell: CellResult) => (cell.wallMs.median * cell.overheadShare) / cell.nfe

/** Median host-side ms per model call of vanilla diffusion and of AR, measured on this machine. */
const hostOverheads = (cells: ReadonlyArray<CellResult>) => ({
  diffusion: median(cells.filter((cell) => cell.sampler.kind === "vanilla").map(overheadPerCallMs)),
  ar: median(cells.filter((cell) => cell.sampler.kind === "ar").map(overheadPerCallMs)),
})

const gpuSection = ({ results, gpu }: ReportInputs): string => {
  const host = hostOverheads(results.cells)
  if (gpu === undefined) {
    const rows = [0.2, 1, 3, 5].map((callMs) => `| ${callMs} | ${fixed((callMs + host.diffusion) / (callMs + host.ar), 2)} |`)
    return `## On a GPU — EXTRAPOLATION, nothing measured on a GPU

Assumption: for this small model at L ≤ 256 a GPU call is launch-bound, so F_diff(L) ≈ F_AR ≈ one
per-call cost c, while the host-side work per call stays what was measured here (${fixed(host.diffusion, 2)} ms per
diffusion call, ${fixed(host.ar, 2)} ms per AR step). Break-even tokens per forward (c + ${fixed(host.diffusion, 2)}) / (c + ${fixed(host.ar, 2)}):

| assumed GPU ms per call c | predicted k* |
|---:|---:|
${rows.join("\n")}`
  }
  const settings = [...new Map(results.cells.map((cell) => [`${cell.promptLength}:${cell.genLength}`, cell])).values()]
  const rows = settings.map((cell) => {
    const onDevice = predictCrossover(gpu.model, cell.promptLength, cell.genLength)
    const hostKv = predictCrossover(gpu.hostKvModel, cell.promptLength, cell.genLength)
    const withHost = (onDevice.diffusionCallMs + host.diffusion) / (onDevice.arStepMs + host.ar)
    return `| ${cell.promptLength} | ${cell.genLength} | ${fixed(onDevice.diffusionCallMs, 2)} | ${fixed(onDevice.arStepMs, 2)} | ${fixed(onDevice.tokensPerForward, 2)} | ${
      fixed(hostKv.tokensPerForward, 2)
    } | ${fixed(withHost, 2)} |`
  })
  return `## On a GPU — a, b, c MEASURED on a GPU, the crossover PREDICTED

Model calls timed in a GPU session: ${gpu.profile.measuredOn} (\`${gpu.profile.command}\`). This is not the
worker's onnxruntime path (onnxruntime-node has no CUDA provider offline) and no generation ran on the GPU:
the crossover below is a cost-model prediction.

- diffusion call: F_diff(L) = ${formatFit(gpu.model.diffusion, "L")}
- AR step, cache on the GPU: F_AR(p) = ${formatFit(gpu.model.arStep, "p")}
- AR step, cache on the host (the worker's layout): F_AR(p) = ${formatFit(gpu.hostKvModel.arStep, "p")}

The last column adds the host-side sampler work per call measured on this CPU (${fixed(host.diffusion, 2)} ms per diffusion
call, ${fixed(host.ar, 2)} ms per AR step): an extrapolation, since a GPU host's CPU is another CPU.

| P | N | F_diff ms | mean F_AR ms | k* (model calls) | k* (host KV cache) | k* incl. host sampler work |
|---:|---:|---:|---:|---:|---:|---:|
${rows.join("\n")}`
}

const gpuAnswer = ({ results, gpu }: ReportInputs): string => {
  if (gpu === undefined) return "On a GPU: not measured; see the extrapolation below."
  const host = hostOverheads(results.cells)
  const settings = [...new Map(results.cells.map((cell) => [`${cell.promptLength}:${cell.genLength}`, cell])).values()]
  const modelOnly = settings.map((cell) => predictCrossover(gpu.model, cell.promptLength, cell.genLength).tokensPerForward)
  const withHost = settings.map((cell) => {
    const prediction = predictCrossover(gpu.model, cell.promptLength, cell.genLength)
    return (prediction.diffusionCallMs + host.diffusion) / (prediction.arStepMs + host.ar)
  })
  const range = (values: ReadonlyArray<number>) => {
    const [low, high] = [fixed(Math.min(...values), 2), fixed(Math.max(...values), 2)]
    return low === high ? low : `${low}–${high}`
  }
  return `On a GPU (PREDICTED from a, b, c measured on ${gpu.profile.measuredOn.split(",")[0]}): a call costs about the same at every L ≤ 256, so diffusion wins as soon as it commits more than **${
    range(modelOnly)
  } tokens per forward** on model cost alone, ${range(withHost)} with this machine's host-side sampler work added.`
}

const plainAnswer = (inputs: ReportInputs): string => {
  const { results, measured, predicted } = inputs
  const machine = `${results.machine.cpuModel} (${results.machine.logicalCores} logical cores, onnxruntime ${results.machine.provider}, ${results.machine.intraOpThreads} intra-op thread(s))`
  const lines = measured.map((crossover) => {
    const prediction = predicted.find((p) => p.promptLength === crossover.promptLength && p.genLength === crossover.genLength)
    const where = `N = ${crossover.genLength}, P = ${crossover.promptLength}`
    const predictedText = prediction === undefined ? "" : `; the cost model predicts k* = ${fixed(prediction.tokensPerForward)}`
    switch (crossover.side) {
      case "crosses":
        return `- ${where}: diffusion beats AR from **${fixed(crossover.tokensPerForward)} tokens per forward**, i.e. T ≤ ${
          Math.floor(crossover.genLength / crossover.tokensPerForward!)
        } steps${predictedText}.`
      case "diffusion always faster":
        return `- ${where}: diffusion was faster at every measured T, down to ${fixed(crossover.points[0]?.tokensPerForward)} tokens per forward${predictedText}.`
      case "AR always faster":
        return `- ${where}: AR was faster at every measured T, up to ${fixed(crossover.points[crossover.points.length - 1]?.tokensPerForward)} tokens per forward${predictedText}.`
    }
  })
  return [
    `On this machine, ${machine}, vanilla diffusion beats the KV-cached AR baseline when it commits more tokens per model call than one diffusion call costs in AR steps:`,
    "",
    ...lines,
    "",
    gpuAnswer(inputs),
  ].join("\n")
}

const cellTable = (cells: ReadonlyArray<CellResult>) =>
  [
    "| cell | sampler | wall ms median / p95 | NFE | tokens / forward | tokens/s | ms / model call | outside model calls | gen-PPL | entropy (nats) |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...cells.map((cell) =>
      `| ${cell.id} | ${cell.label} | ${fixed(cell.wallMs.median, 0)} / ${fixed(cell.wallMs.p95, 0)} | ${cell.nfe} | ${fixed(cell.tokensPerForward, 2)} | ${
        fixed(cell.tokensPerSecond)
      } | ${fixed(cell.msPerModelCall, 2)} | ${fixed(cell.overheadShare * 100)} % | ${fixed(cell.quality.generativePerplexity)} | ${fixed(cell.quality.unigramEntropy, 2)} |`
    ),
  ].join("\n")

const crossoverTable = ({ predicted, measured }: ReportInputs) =>
  [
    "| P | N | F_diff(1+P+N) ms | mean F_AR ms | predicted k* | measured k* | AR tokens/s |",
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...predicted.map((prediction) => {
      const match = measured.find((m) => m.promptLength === prediction.promptLength && m.genLength === prediction.genLength)
      const measuredText = match === undefined ? "–" : match.side === "crosses" ? fixed(match.tokensPerForward, 2) : match.side
      return `| ${prediction.promptLength} | ${prediction.genLength} | ${fixed(prediction.diffusionCallMs, 2)} | ${fixed(prediction.arStepMs, 2)} | ${
        fixed(prediction.tokensPerForward, 2)
      } | ${measuredText} | ${fixed(match?.arTokensPerSecond)} |`
    }),
  ].join("\n")

/** The Markdown report: answer first, then the figures behind it. */
export const renderReport = (inputs: ReportInputs): string => {
  const { results, model } = inputs
  const { machine } = results
  return `# Unmask bench report: when does N ≫ T pay off?

Generated by \`npm run report -w @unmask/bench\` from \`${inputs.gridFile}\` (preset **${results.preset}**, started ${results.startedAt}, ${results.durationSeconds} s).

## The answer

${plainAnswer(inputs)}

Tokens per forward is N / NFE (NFE = model calls per generation). The crossover k* = F_diff / F_AR is the
number of AR steps one diffusion call costs; the measured one also pays the samplers' own work.

## Machine

| | |
|---|---|
| CPU | ${machine.cpuModel}, ${machine.logicalCores} logical cores, ${machine.memoryGiB} GiB |
| load average at start (1/5/15 min) | ${machine.loadAverage.join(" / ")} (other processes share these cores; absolute times are pessimistic) |
| runtime | Node ${machine.node}, onnxruntime-node ${machine.onnxruntime}, provider **${machine.provider}**, ${machine.intraOpThreads} intra-op thread(s) |
| protocol | ${results.axes.warmupRuns} warm-up run(s) discarded, then ${results.axes.repeats} repeats per cell (repeat r: fixed prompt r, seed r); temperature ${results.axes.temperature}, low-confidence remasking |

## Cost model

Fitted by least squares on the standalone call profile (${results.callAxes.warmupCalls} warm-up calls, median of ${results.callAxes.repeats}):

- diffusion call over L positions: F_diff(L) = ${formatFit(model.diffusion, "L")}
- AR single-token step after p cached positions: F_AR(p) = ${formatFit(model.arStep, "p")}

![cost model](cost-model.svg)

## Crossover: predicted vs measured

${crossoverTable(inputs)}

![speedup](speedup-vs-tokens-per-forward.svg)

${inputs.charts.filter((chart) => chart.file.startsWith("latency")).map((chart) => `![${chart.title}](${chart.file})`).join("\n\n")}

## Speed beside quality

Generative perplexity: samples are decoded, re-tokenised and scored by the AR model conditioned on the
same prompt (MDLM protocol; text after the first end-of-text token is dropped). Unigram entropy per
sample exposes repetition. ${results.axes.repeats} samples per setting: these are small-sample figures.
Note that the AR baseline is scored by itself, which favours it.

![perplexity](speed-vs-perplexity.svg)

![entropy](speed-vs-entropy.svg)

## Batching

![batching](batching.svg)

${results.calls.diffusionBatches.map((call) => `- B = ${call.batch}: ${fixed(call.ms.median, 2)} ms per call, ${fixed((call.batch * 1000) / call.ms.median)} rows/s`).join("\n")}

${inputs.fastSection ?? ""}

## Every cell

${cellTable(results.cells)}

${gpuSection(inputs)}

## Reproduce

\`\`\`
npm run bench -w @unmask/bench            # full grid → bench/results/grid.json
npm run bench:fast -w @unmask/bench       # fast decoding (caches, rules, head) → bench/results/fast.json
npm run report -w @unmask/bench           # this file and the SVGs
\`\`\`
`
}
