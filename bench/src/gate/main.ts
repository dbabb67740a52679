import { readFileSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { parseArgs } from "node:util"
import { Effect } from "effect"
import { gateBaselineFile, resultsDir } from "../benchPaths.js"
import { writeJson } from "../grid/writeJson.js"
import { loadBenchModels } from "../models/loadBenchModels.js"
import { modelOptionsFromEnv } from "../models/modelOptionsFromEnv.js"
import { promptInputs } from "../grid/promptInputs.js"
import { compareToBaseline, formatGateTable, gatePassed } from "./compareToBaseline.js"
import { readGateBaseline } from "./GateBaseline.js"
import type { GateMeasurement } from "./GateMeasurement.js"
import { gateMetrics } from "./gateMetrics.js"
import { compareExactCounts, EXACT_COUNT_PLAN, formatCountTable, measureExactCounts } from "./exactCounts.js"
import { DEFAULT_GATE_ROUNDS, gatePlan } from "./gatePreset.js"
import { measureGate } from "./measureGate.js"

// npm run bench:ci [-- --rounds 8] [-- --from results/ci-gate.json] [-- --baseline gate-baseline.json]
//                  [-- --out results/ci-gate.json] [-- --write-baseline] [-- --slow-diffusion 2] [-- --slow-sampler 2]
//   Measures the gate's ratios (or reads the samples saved by an earlier run with --from) and compares
//   them with the baseline: exit 1 on a regression beyond the tolerance. --write-baseline stores this
//   run's ratios as the new baseline (tolerances and noise notes kept). --slow-diffusion k makes every
//   diffusion model call k times, --slow-sampler k repeats the sampler's work between model calls
//   k − 1 more times: real regressions, to see the gate fail.
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: String(DEFAULT_GATE_ROUNDS) },
    from: { type: "string" },
    baseline: { type: "string", default: gateBaselineFile },
    out: { type: "string", default: resolve(resultsDir, "ci-gate.json") },
    "write-baseline": { type: "boolean", default: false },
    "slow-diffusion": { type: "string", default: "1" },
    "slow-sampler": { type: "string", default: "1" },
  },
})
const positiveInt = (name: string, text: string) => {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${text}`)
  return value
}
const rounds = positiveInt("rounds", values.rounds)
const injected = { slowDiffusion: positiveInt("slow-diffusion", values["slow-diffusion"]), slowSampler: positiveInt("slow-sampler", values["slow-sampler"]) }

const started = Date.now()
const measurement: GateMeasurement = values.from === undefined
  ? await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const models = yield* loadBenchModels(modelOptionsFromEnv(process.env))
    return yield* measureGate(models, gatePlan, rounds, injected)
  })))
  : JSON.parse(readFileSync(values.from, "utf8")).measurement as GateMeasurement
const DIFFUSION_MODELS = ["diffusion", "diffusion-fast"]
const exactCounts: Record<string, number> = values.from === undefined
  ? await Effect.runPromise(Effect.gen(function*() {
    const counts: Record<string, number> = {}
    for (const diffusionModel of DIFFUSION_MODELS) {
      Object.assign(counts, yield* Effect.scoped(Effect.gen(function*() {
        const models = yield* loadBenchModels({ ...modelOptionsFromEnv(process.env), diffusionModel })
        return yield* measureExactCounts(diffusionModel, models, yield* promptInputs(models, EXACT_COUNT_PLAN.promptLength))
      })))
    }
    return counts
  }))
  : JSON.parse(readFileSync(values.from, "utf8")).exactCounts ?? {}
const seconds = Math.round((Date.now() - started) / 1000)
const metrics = gateMetrics(measurement)
const { machine } = measurement

if (values["write-baseline"]) {
  const previous = readGateBaseline(values.baseline)
  const updated = {
    ...previous,
    measuredOn: `${machine.cpuModel}, ${machine.logicalCores} cores, ${machine.provider}, load ${machine.loadAverage.join("/")}, ${measurement.startedAt}, ${measurement.rounds.length} rounds`,
    metrics: Object.fromEntries(metrics.map((metric) => [metric.name, Number(metric.value.toPrecision(4))])),
    exactCounts,
  }
  writeFileSync(values.baseline, `${JSON.stringify(updated, null, 2)}\n`)
  console.log(`wrote ${values.baseline}`)
}
const baseline = readGateBaseline(values.baseline)
const rows = compareToBaseline(metrics, baseline)
const countRows = compareExactCounts(exactCounts, baseline.exactCounts)
const passed = gatePassed(rows) && countRows.every((row) => row.verdict !== "regressed")
if (values.from === undefined) {
  writeJson(values.out, {
    seconds,
    passed,
    metrics: Object.fromEntries(metrics.map((metric) => [metric.name, metric.value])),
    rows: rows.map((row) => ({ ...row, metric: { ...row.metric } })),
    exactCounts,
    countRows,
    measurement,
  })
}
console.log(formatGateTable(rows, baseline.tolerance))
console.log(`\n${formatCountTable(countRows)}`)
const injections = [
  injected.slowDiffusion > 1 ? `diffusion calls made ${injected.slowDiffusion}× (--slow-diffusion)` : "",
  injected.slowSampler > 1 ? `sampler work ${injected.slowSampler}× (--slow-sampler)` : "",
].filter(Boolean)
console.log(`\n${measurement.rounds.length} rounds, ${seconds} s${injections.length > 0 ? `, ${injections.join(", ")}` : ""}${values.from === undefined ? `; wrote ${values.out}` : ""}`)
if (!passed) {
  const regressed = rows.filter((row) => row.verdict === "regressed")
  const counts = countRows.filter((row) => row.verdict === "regressed")
  console.error(`\nbench:ci FAILED: ${[
    ...regressed.map((row) => `${row.metric.name} (${((row.change! - 1) * 100).toFixed(0)} %) moved beyond the tolerance`),
    ...counts.map((row) => `${row.name} rose ${row.baseline} → ${row.value}`),
  ].join("; ")}`)
  process.exitCode = 1
}
