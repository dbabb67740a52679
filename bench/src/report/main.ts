import { readFileSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { parseArgs } from "node:util"
import { existsSync } from "node:fs"
import { defaultFastFile, defaultGridFile, gpuCallsFile, resultsDir } from "../benchPaths.js"
import type { FastResults } from "../fast/FastResults.js"
import { fitCostModel, formatFit, predictCrossover } from "../costModel/fitCostModel.js"
import { gpuCallTimings, readGpuCallProfile } from "../costModel/GpuCallProfile.js"
import { measuredCrossover } from "../costModel/measuredCrossover.js"
import type { GridResults } from "../grid/GridResults.js"
import { batchingChart, costModelChart, entropyChart, latencyChart, perplexityChart, speedupChart } from "./charts.js"
import { fastLatencyChart, renderFastSection } from "./fastSection.js"
import { appendInfillSection } from "./infillSection.js"
import { type DiagnosisFile, type HeldOut, renderParallelSection } from "./parallelSection.js"
import { renderReport } from "./renderReport.js"
import { renderChart } from "./svg/renderChart.js"

// npm run report [-- --grid results/grid.json] [-- --gpu results/gpu-calls.json] [-- --out results]
const { values } = parseArgs({
  options: {
    grid: { type: "string", default: defaultGridFile },
    gpu: { type: "string", default: gpuCallsFile },
    fast: { type: "string", default: defaultFastFile },
    out: { type: "string", default: resultsDir },
  },
})
const allGrid = JSON.parse(readFileSync(values.grid, "utf8")) as GridResults
// The crossover, cost model and charts are about the shipped `diffusion` model; other models' cells go to their own section.
const results: GridResults = { ...allGrid, cells: allGrid.cells.filter((cell) => cell.diffusionModel === undefined) }

const model = fitCostModel(results.calls)
const settings = [...new Map(results.cells.map((cell) => [`${cell.promptLength}:${cell.genLength}`, cell])).values()]
const predicted = settings.map((cell) => predictCrossover(model, cell.promptLength, cell.genLength))
const measured = settings.flatMap((cell) => measuredCrossover(results.cells, cell.promptLength, cell.genLength) ?? [])

const gpuProfile = readGpuCallProfile(values.gpu)
const gpu = gpuProfile === undefined ? undefined : {
  profile: gpuProfile,
  model: fitCostModel(gpuCallTimings(gpuProfile, false)),
  hostKvModel: fitCostModel(gpuCallTimings(gpuProfile, true)),
}

const charts = [
  ...results.axes.promptLengths.map((promptLength) => ({ file: `latency-vs-n-p${promptLength}.svg`, spec: latencyChart(results.cells, promptLength) })),
  { file: "cost-model.svg", spec: costModelChart(results, model) },
  { file: "speedup-vs-tokens-per-forward.svg", spec: speedupChart(measured, predicted) },
  { file: "speed-vs-perplexity.svg", spec: perplexityChart(results.cells) },
  { file: "speed-vs-entropy.svg", spec: entropyChart(results.cells) },
  { file: "batching.svg", spec: batchingChart(results) },
]
const fast = existsSync(values.fast) ? (JSON.parse(readFileSync(values.fast, "utf8")) as FastResults) : undefined
if (fast !== undefined) charts.push({ file: "fast-latency-vs-n.svg", spec: fastLatencyChart(fast) })
for (const chart of charts) writeFileSync(join(values.out, chart.file), renderChart(chart.spec))

const report = renderReport({
  results,
  gridFile: relative(join(values.out, ".."), values.grid),
  model,
  predicted,
  measured,
  charts: charts.map((chart) => ({ file: chart.file, title: chart.spec.title })),
  ...(gpu === undefined ? {} : { gpu }),
  ...(fast === undefined ? {} : { fastSection: renderFastSection(fast, relative(join(values.out, ".."), values.fast), "fast-latency-vs-n.svg", model) }),
})
const readIfPresent = <A>(path: string): A | undefined => existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) as A : undefined
const FAST_MODEL = "diffusion-fast"
const heldOut = Object.fromEntries(
  ([["diffusion", "model-card.json"], [FAST_MODEL, `model-card-${FAST_MODEL}.json`]] as const).flatMap(([name, file]) => {
    const card = readIfPresent<HeldOut>(join(resultsDir, file))
    return card === undefined ? [] : [[name, card] as const]
  }),
)
const diagnosis = readIfPresent<DiagnosisFile>(join(resultsDir, "diagnosis.json"))
const parallelSection = fast === undefined || !fast.cells.some((cell) => cell.diffusionModel === FAST_MODEL) ? "" : renderParallelSection({
  fast, fastFile: relative(join(values.out, ".."), values.fast), heldOut, fastModel: FAST_MODEL, baseModel: "diffusion",
  grid: allGrid, gridFile: relative(join(values.out, ".."), values.grid),
  ...(diagnosis === undefined ? {} : { diagnosis }),
})
writeFileSync(join(values.out, "report.md"), parallelSection === "" ? report : `${report.trimEnd()}\n\n${parallelSection}`)
appendInfillSection(join(values.out, "report.md"), join(resultsDir, "infill.json"))
console.log(`F_diff(L) = ${formatFit(model.diffusion, "L")}`)
console.log(`F_AR(p)   = ${formatFit(model.arStep, "p")}`)
console.log(`wrote ${join(values.out, "report.md")} and ${charts.length} SVG plots`)
