import { readFileSync, writeFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { gateBaselineFile } from "../benchPaths.js"
import { readGateBaseline, toleranceOf } from "./GateBaseline.js"
import type { GateMeasurement } from "./GateMeasurement.js"
import { gateMetrics } from "./gateMetrics.js"
import { formatNoiseTable, measureNoise, suggestTolerance } from "./gateNoise.js"

// npm run bench:ci:noise -- [--write-baseline] results/ci-gate-1.json results/ci-gate-2.json …
//   The run-to-run noise of the gate's ratios over several saved `bench:ci -- --out FILE` runs, and what
//   the baseline's tolerances make of it (does the noise fail, would a 2× regression pass).
//   --write-baseline stores each metric's centre √(min·max) over these runs as the baseline, with the noise
//   measured (tolerances are kept: choose them from the table's suggestion).
const { values, positionals } = parseArgs({
  options: { baseline: { type: "string", default: gateBaselineFile }, "write-baseline": { type: "boolean", default: false } },
  allowPositionals: true,
})
if (positionals.length < 2) throw new Error("give at least two saved gate runs (bench:ci -- --out FILE)")
// The metrics are recomputed from each run's saved samples, so runs of an older gate compare like for like.
const saved = positionals.map((file) => (JSON.parse(readFileSync(file, "utf8")) as { measurement: GateMeasurement }).measurement)
const noise = measureNoise(saved.map((measurement) => gateMetrics(measurement)))
const baseline = readGateBaseline(values.baseline)
if (values["write-baseline"]) {
  const { machine } = saved[0]!
  const updated = {
    ...baseline,
    measuredOn: `${machine.cpuModel}, ${machine.logicalCores} cores; centre √(min·max) of ${saved.length} bench:ci runs, ${saved.map((run) => run.startedAt).join(", ")}`,
    noise: {
      runs: saved.length,
      loadAverages: saved.map((run) => run.machine.loadAverage.join("/")),
      values: Object.fromEntries(noise.map((metric) => [metric.name, metric.values.map((value) => Number(value.toPrecision(4)))])),
      worstRunVsCentre: Object.fromEntries(noise.map((metric) => [metric.name, Number(metric.worstDeviation.toFixed(3))])),
      suggestedTolerance: Object.fromEntries(noise.map((metric) => [metric.name, suggestTolerance(metric)])),
    },
    metrics: Object.fromEntries(noise.map((metric) => [metric.name, Number(metric.center.toPrecision(4))])),
  }
  writeFileSync(values.baseline, `${JSON.stringify(updated, null, 2)}\n`)
  console.log(`wrote ${values.baseline}`)
}
console.log(formatNoiseTable(noise, (name) => toleranceOf(baseline, name)))
