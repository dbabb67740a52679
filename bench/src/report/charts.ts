import type { CostModel, PredictedCrossover } from "../costModel/fitCostModel.js"
import type { MeasuredCrossover } from "../costModel/measuredCrossover.js"
import type { CellResult, GridResults } from "../grid/GridResults.js"
import { samplerLabel } from "../grid/SamplerSetting.js"
import { evaluatePolynomial } from "../stats/fitPolynomial.js"
import type { ChartSpec, Series } from "./svg/renderChart.js"

const curve = (coefficients: ReadonlyArray<number>, from: number, to: number): Array<readonly [number, number]> =>
  Array.from({ length: 41 }, (_, i) => {
    const x = from + ((to - from) * i) / 40
    return [x, evaluatePolynomial(coefficients, x)] as const
  })

export const latencyChart = (cells: ReadonlyArray<CellResult>, promptLength: number): ChartSpec => {
  const atP = cells.filter((cell) => cell.promptLength === promptLength)
  const vanilla = atP.filter((cell) => cell.sampler.kind === "vanilla")
  const tokensPerStep = [...new Set(vanilla.map((cell) => cell.genLength / cell.steps))].sort((a, b) => a - b)
  const series: Array<Series> = tokensPerStep.map((k) => ({
    name: k === 1 ? "diffusion T = N" : `diffusion T = N/${k}`,
    style: "line",
    points: vanilla.filter((cell) => cell.genLength / cell.steps === k).map((cell) => [cell.genLength, cell.wallMs.median] as const),
  }))
  series.push({
    name: "AR + KV cache",
    style: "dashed",
    points: atP.filter((cell) => cell.sampler.kind === "ar").map((cell) => [cell.genLength, cell.wallMs.median] as const),
  })
  return {
    title: `Generation latency vs length, prompt P = ${promptLength} (median of repeats)`,
    x: { title: "generated tokens N", unit: "tokens" },
    y: { title: "wall time per generation", unit: "ms", scale: "log" },
    series,
  }
}

export const costModelChart = (results: GridResults, model: CostModel): ChartSpec => {
  const diffusionLengths = results.calls.diffusion.map((call) => call.length)
  const pastLengths = results.calls.arStep.map((call) => call.pastLength)
  return {
    title: "Cost of one model call: F(L) measured and fitted",
    x: { title: "positions L (diffusion canvas; AR: cached positions)", unit: "tokens" },
    y: { title: "time per model call", unit: "ms" },
    series: [
      { name: "diffusion call, measured", style: "markers", points: results.calls.diffusion.map((call) => [call.length, call.ms.median] as const) },
      { name: "diffusion fit", style: "dashed", points: curve(model.diffusion.coefficients, Math.min(...diffusionLengths), Math.max(...diffusionLengths)) },
      { name: "AR cached step, measured", style: "markers", points: results.calls.arStep.map((call) => [call.pastLength, call.ms.median] as const) },
      { name: "AR step fit", style: "dashed", points: curve(model.arStep.coefficients, Math.min(...pastLengths), Math.max(...pastLengths)) },
    ],
  }
}

export const speedupChart = (measured: ReadonlyArray<MeasuredCrossover>, predicted: ReadonlyArray<PredictedCrossover>): ChartSpec => {
  const series: Array<Series> = measured.map((crossover) => ({
    name: `measured, P=${crossover.promptLength} N=${crossover.genLength}`,
    style: "line",
    points: crossover.points.map((point) => [point.tokensPerForward, point.speedup] as const),
  }))
  const allK = measured.flatMap((crossover) => crossover.points.map((point) => point.tokensPerForward))
  series.push({ name: "break-even (1×)", style: "dashed", points: [[Math.min(...allK), 1], [Math.max(...allK), 1]] })
  series.push({ name: "predicted crossover k*", style: "markers", points: predicted.map((prediction) => [prediction.tokensPerForward, 1] as const) })
  return {
    title: "Vanilla diffusion speed relative to AR vs tokens per forward",
    x: { title: "tokens per forward N / NFE", unit: "tokens", scale: "log" },
    y: { title: "diffusion tokens/s ÷ AR tokens/s", unit: "ratio", scale: "log" },
    series,
  }
}

const qualitySeries = (cells: ReadonlyArray<CellResult>, x: (cell: CellResult) => number | null): Array<Series> => {
  const groups = new Map<string, Array<readonly [number, number]>>()
  for (const cell of cells) {
    const value = x(cell)
    if (value === null) continue
    const name = cell.sampler.kind === "vanilla" ? "vanilla diffusion" : samplerLabel(cell.sampler)
    groups.set(name, [...(groups.get(name) ?? []), [value, cell.tokensPerSecond] as const])
  }
  return [...groups].map(([name, points]) => ({ name, style: "markers", points }))
}

export const perplexityChart = (cells: ReadonlyArray<CellResult>): ChartSpec => ({
  title: "Speed vs quality: generative perplexity (scored by the AR model)",
  x: { title: "generative perplexity (lower is better)", unit: "PPL", scale: "log" },
  y: { title: "generation speed", unit: "tokens/s", scale: "log" },
  series: qualitySeries(cells, (cell) => cell.quality.generativePerplexity),
})

export const entropyChart = (cells: ReadonlyArray<CellResult>): ChartSpec => ({
  title: "Speed vs diversity: unigram entropy of the samples",
  x: { title: "unigram entropy per sample (low = repetitive)", unit: "nats" },
  y: { title: "generation speed", unit: "tokens/s", scale: "log" },
  series: qualitySeries(cells, (cell) => cell.quality.unigramEntropy),
})

export const batchingChart = (results: GridResults): ChartSpec => {
  const batches = results.calls.diffusionBatches
  const single = batches.find((call) => call.batch === 1)
  const rowsPerSecond = (batch: number, ms: number) => (batch * 1000) / ms
  const series: Array<Series> = [
    { name: "measured", style: "line", points: batches.map((call) => [call.batch, rowsPerSecond(call.batch, call.ms.median)] as const) },
  ]
  if (single !== undefined) {
    series.push({ name: "no gain (B × batch-1 time)", style: "dashed", points: batches.map((call) => [call.batch, rowsPerSecond(1, single.ms.median)] as const) })
  }
  return {
    title: `Batching one diffusion call, L = ${batches[0]?.length ?? "?"}`,
    x: { title: "batch size B", unit: "rows" },
    y: { title: "throughput", unit: "rows/s" },
    series,
  }
}
