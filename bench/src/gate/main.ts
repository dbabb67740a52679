import { readFileSync, writeFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { Effect } from "effect"
import { ciGridFile, gateBaselineFile } from "../benchPaths.js"
import { quickPreset } from "../grid/GridPlan.js"
import type { GridResults } from "../grid/GridResults.js"
import { runGrid } from "../grid/runGrid.js"
import { writeJson } from "../grid/writeJson.js"
import { loadBenchModels } from "../models/loadBenchModels.js"
import { modelOptionsFromEnv } from "../models/modelOptionsFromEnv.js"
import { compareToBaseline, formatGateTable, gatePassed } from "./compareToBaseline.js"
import { readGateBaseline } from "./GateBaseline.js"
import { gateMetrics } from "./gateMetrics.js"

// npm run bench:ci [-- --grid results/ci-grid.json] [-- --baseline gate-baseline.json] [-- --write-baseline]
//   Runs the quick grid (or reads --grid), computes the gate's ratios and compares them with the baseline;
//   --write-baseline stores this run's ratios as the new baseline (same tolerance) instead.
const { values } = parseArgs({
  options: {
    grid: { type: "string" },
    baseline: { type: "string", default: gateBaselineFile },
    "write-baseline": { type: "boolean", default: false },
  },
})

const measure = Effect.scoped(Effect.gen(function*() {
  const models = yield* loadBenchModels(modelOptionsFromEnv(process.env))
  const results = yield* runGrid(models, quickPreset)
  writeJson(ciGridFile, results)
  return results
}))

const results: GridResults = values.grid === undefined
  ? await Effect.runPromise(measure)
  : JSON.parse(readFileSync(values.grid, "utf8")) as GridResults
const baseline = readGateBaseline(values.baseline)
const metrics = gateMetrics(results)
if (values["write-baseline"]) {
  const updated = {
    ...baseline,
    measuredOn: `${results.machine.cpuModel}, ${results.machine.logicalCores} cores, load ${results.machine.loadAverage.join("/")}, ${results.startedAt}`,
    metrics: Object.fromEntries(metrics.map((metric) => [metric.name, Number(metric.value.toFixed(4))])),
  }
  writeFileSync(values.baseline, `${JSON.stringify(updated, null, 2)}\n`)
  console.log(`wrote ${values.baseline}`)
}
const rows = compareToBaseline(metrics, readGateBaseline(values.baseline))
console.log(formatGateTable(rows, baseline.tolerance))
if (!gatePassed(rows)) {
  console.error(`\nbench:ci FAILED: ${rows.filter((row) => row.verdict === "regressed").map((row) => row.metric.name).join(", ")} regressed beyond ±${baseline.tolerance * 100} %`)
  process.exitCode = 1
}
