import { parseArgs } from "node:util"
import { startWorker } from "@unmask/gpu-worker"
import { resultsDir } from "../benchPaths.js"
import { writeJson } from "../grid/writeJson.js"
import { formatScenarioTable } from "./formatScenarioTable.js"
import { readLoadContract } from "./LoadContract.js"
import { runScenario, type ScenarioResult } from "./runScenario.js"
import type { TargetAuth } from "./RequestSigner.js"

// npm run bench:load [-- --scenarios steady,ramp]
//   BASE_URL (+ UNMASK_API_KEY): the edge of a running stack (`npm start`); with WORKER_URL (+
//   EDGE_SHARED_SECRET) the same scenarios also go straight to the worker, giving the edge's added latency.
//   Without BASE_URL: an in-process worker, batched and with MAX_BATCH_ROWS=1, giving the batching gain.
const { values } = parseArgs({ options: { scenarios: { type: "string" }, out: { type: "string", default: `${resultsDir}/load.json` } } })
const contract = readLoadContract()
const names = values.scenarios?.split(",") ?? Object.keys(contract.scenarios)
for (const name of names) if (contract.scenarios[name] === undefined) throw new Error(`no scenario "${name}" in scenarios.json`)

const runAll = async (url: string, auth: TargetAuth, only: ReadonlyArray<string> = names) => {
  const results: Array<ScenarioResult> = []
  for (const name of only) {
    console.error(`${name} → ${url}`)
    results.push(await runScenario(contract, name, contract.scenarios[name]!, url, auth))
  }
  return results
}

const apiKey = process.env["UNMASK_API_KEY"] || undefined
const secret = process.env["EDGE_SHARED_SECRET"] || undefined
const report: Record<string, unknown> = { contract: contract.request, startedAt: new Date().toISOString() }
const tables: Array<string> = []
let results: Array<ScenarioResult> = []

if (process.env["BASE_URL"] !== undefined) {
  const edge = await runAll(process.env["BASE_URL"], apiKey === undefined ? {} : { apiKey })
  tables.push(formatScenarioTable("edge", edge))
  results = edge
  report["edge"] = edge
  if (process.env["WORKER_URL"] !== undefined) {
    const direct = await runAll(process.env["WORKER_URL"], secret === undefined ? {} : { edgeSharedSecret: secret })
    tables.push(formatScenarioTable("worker", direct))
    results = [...results, ...direct]
    report["worker"] = direct
    report["edgeAddedLatencyMs"] = edge.map((viaEdge, i) => ({
      scenario: viaEdge.scenario,
      p50: viaEdge.latencyMs.p50 - direct[i]!.latencyMs.p50,
      p95: viaEdge.latencyMs.p95 - direct[i]!.latencyMs.p95,
      firstFrameP50: viaEdge.timeToFirstFrameMs.p50 - direct[i]!.timeToFirstFrameMs.p50,
    }))
  }
} else {
  const inProcess = async (extra: Record<string, string>, only?: ReadonlyArray<string>) => {
    const worker = await startWorker({ env: { ...process.env, HOST: "127.0.0.1", PORT: "0", ALLOW_UNSIGNED: "1", EXECUTION_PROVIDER: "cpu", ...extra } })
    try {
      return await runAll(worker.url, {}, only)
    } finally {
      await worker.close()
    }
  }
  const batched = await inProcess({})
  const saturating = names.filter((name) => contract.scenarios[name]!.executor === "ramping-vus")
  const unbatched = await inProcess({ MAX_BATCH_ROWS: "1" }, saturating)
  tables.push(formatScenarioTable("worker (batched)", batched), formatScenarioTable("worker (MAX_BATCH_ROWS=1)", unbatched))
  results = batched
  report["worker"] = batched
  report["workerUnbatched"] = unbatched
  report["batchingGain"] = unbatched.map((single) => ({
    scenario: single.scenario,
    requestsPerSecondRatio: batched.find((result) => result.scenario === single.scenario)!.requestsPerSecond / single.requestsPerSecond,
  }))
}

writeJson(values.out, report)
console.log(tables.join("\n\n"))
if ("edgeAddedLatencyMs" in report) console.log("edge added latency (ms):", JSON.stringify(report["edgeAddedLatencyMs"]))
if ("batchingGain" in report) console.log("batching gain (req/s batched ÷ unbatched):", JSON.stringify(report["batchingGain"]))
console.log(`wrote ${values.out}`)
if (results.some((result) => result.thresholds.some((outcome) => !outcome.passed))) process.exitCode = 1
