import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { parseArgs } from "node:util"
import { resultsDir } from "../benchPaths.js"
import { writeJson } from "../grid/writeJson.js"
import { formatLoadReport, type LoadReport } from "./formatLoadReport.js"
import { addedLatency, batchingGain, meanBetween, throughput } from "./latencyStats.js"
import { readLoadContract } from "./LoadContract.js"
import { createKey, runConcurrently, timeRequest } from "./requestTiming.js"
import { runScenario, type ScenarioResult } from "./runScenario.js"
import { scaleScenario } from "./scaleScenario.js"
import { DEFAULT_EDGE_INSPECTOR_URL } from "./soak/edgeHeapProbe.js"
import { runSoak } from "./soak/runSoak.js"
import { discoverStack, processAlive, readStackFile, type StackTarget, startStack } from "./stack.js"
import { UNTHROTTLED } from "./unthrottled.js"

// npm run bench:load [-- --quick] [-- --scenarios steady,ramp] [-- --no-start] [-- --out results/load.json] [-- --soak [--soak-minutes 10] [--edge-inspector ws://127.0.0.1:9229/ws]]
//   Drives the HTTP stack: BASE_URL (+ UNMASK_API_KEY, WORKER_URL, EDGE_SHARED_SECRET, UNMASK_ADMIN_SECRET),
//   else the running `npm start` (.unmask/stack.json with a live pid), else starts `node scripts/start.mjs`
//   itself and stops its process group at the end (--no-start: fail instead).
//   1. the contract's scenarios through the edge (a fresh key per scenario with its keyLimits, given the admin secret);
//   2. the edge's added latency: the same request through the edge and signed straight to the worker, interleaved;
//   3. the worker's batching gain: the same requests one at a time and --concurrency at once, straight to the worker.
//   --soak instead: 10 minutes of mixed load (soak/soakPlan.ts) with the worker's and the edge's memory sampled every
//   10 s (the edge's JS heap after GC every 30 s, over wrangler dev's inspector) and every key's books checked;
//   it replaces the report's soak section and keeps the others (and a run without --soak keeps the last soak
//   section). Not part of npm test.
const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    scenarios: { type: "string" },
    "no-start": { type: "boolean", default: false },
    "duration-scale": { type: "string" },
    pairs: { type: "string" },
    "batch-requests": { type: "string" },
    concurrency: { type: "string", default: "8" },
    out: { type: "string", default: resolve(resultsDir, "load.json") },
    markdown: { type: "string", default: resolve(resultsDir, "load.md") },
    soak: { type: "boolean", default: false },
    "soak-minutes": { type: "string", default: "10" },
    "edge-inspector": { type: "string", default: DEFAULT_EDGE_INSPECTOR_URL },
  },
})
const soakSeconds = Math.round(Number(values["soak-minutes"]) * 60)
if (values.soak && !(soakSeconds >= 60)) throw new Error(`--soak-minutes must be at least 1, got "${values["soak-minutes"]}"`)
const durationScale = Number(values["duration-scale"] ?? (values.quick ? "0.25" : "1"))
const pairs = Number(values.pairs ?? (values.quick ? "16" : "40"))
const batchRequests = Number(values["batch-requests"] ?? (values.quick ? "8" : "16"))
const concurrency = Number(values.concurrency)
const contract = readLoadContract()
const names = values.scenarios?.split(",") ?? Object.keys(contract.scenarios)
for (const name of names) if (contract.scenarios[name] === undefined) throw new Error(`no scenario "${name}" in scenarios.json`)

const log = (line: string) => console.error(line)
const repoRoot = resolve(resultsDir, "../..")
const stackFile = resolve(repoRoot, ".unmask/stack.json")

let target: StackTarget | undefined = discoverStack({ env: process.env, stackFile: readStackFile(stackFile), alive: processAlive })
let stop: (() => Promise<void>) | undefined
if (target === undefined) {
  if (values["no-start"]) throw new Error("no running stack (BASE_URL or .unmask/stack.json with a live pid) and --no-start")
  const started = await startStack(repoRoot, stackFile, 300_000, log)
  target = started.target
  stop = started.stop
}
const stack = target
const stopStack = async () => {
  if (stop !== undefined) {
    log("stopping the stack bench:load started")
    await stop()
  }
}
process.on("SIGINT", () => void stopStack().then(() => process.exit(130)))
log(`stack (${stack.source}): edge ${stack.edgeUrl}, worker ${stack.workerUrl ?? "unknown"}`)

const keyFor = async (name: string, limits: Record<string, number> | undefined): Promise<string | undefined> => {
  if (stack.adminSecret === undefined) return stack.apiKey
  return (await createKey(stack.edgeUrl, stack.adminSecret, `bench-load-${name}-${Date.now()}`, { ...UNTHROTTLED, ...limits })).key
}

/** The report this run adds to: its other sections are kept. */
const previous = ((): LoadReport | undefined => {
  if (!existsSync(values.out)) return undefined
  try {
    return JSON.parse(readFileSync(values.out, "utf8")) as LoadReport
  } catch {
    return undefined
  }
})()

const writeReport = (report: LoadReport) => {
  writeJson(values.out, report)
  const markdown = formatLoadReport(report)
  writeFileSync(values.markdown, markdown)
  console.log(markdown)
  console.log(`wrote ${values.out} and ${values.markdown}`)
}

const startedAt = new Date()
if (values.soak) {
  try {
    if (stack.adminSecret === undefined) throw new Error("--soak creates its own keys: it needs the admin secret (npm start's stack, or UNMASK_ADMIN_SECRET)")
    const soak = await runSoak({ ...stack, adminSecret: stack.adminSecret, stackPid: stack.pid, edgeInspectorUrl: values["edge-inspector"] }, soakSeconds, log)
    const base: LoadReport = previous ?? { startedAt: startedAt.toISOString(), seconds: 0, stack: stack.source, durationScale: 1, request: contract.request, edge: [] }
    writeReport({ ...base, soak })
    if (!soak.verdict.passed) process.exitCode = 1
  } finally {
    await stopStack()
  }
  process.exit() // the soak replaces the whole run (stdout and files are written synchronously)
}
try {
  const edge: Array<ScenarioResult> = []
  for (const name of names) {
    const scenario = scaleScenario(contract.scenarios[name]!, durationScale)
    const apiKey = await keyFor(name, scenario.keyLimits)
    log(`${name} → ${stack.edgeUrl}${scenario.keyLimits === undefined ? "" : ` (key limits ${JSON.stringify(scenario.keyLimits)})`}`)
    edge.push(await runScenario(contract, name, scenario, stack.edgeUrl, apiKey === undefined ? {} : { apiKey }))
  }

  const { path } = contract.request
  let report: LoadReport = {
    startedAt: startedAt.toISOString(),
    seconds: 0,
    stack: stack.source,
    durationScale,
    request: contract.request,
    edge,
  }
  if (stack.workerUrl !== undefined && stack.signingSecret !== undefined) {
    const direct = { edgeSharedSecret: stack.signingSecret }
    const probeKey = await keyFor("latency", undefined)
    const viaEdge = probeKey === undefined ? {} : { apiKey: probeKey }
    log(`edge added latency: ${pairs} interleaved pairs`)
    const edgeRuns: Array<{ totalMs: number; firstFrameMs: number | undefined }> = []
    const directRuns: Array<{ totalMs: number; firstFrameMs: number | undefined }> = []
    for (let i = 0; i < pairs; i++) {
      const body = { ...contract.request.body, seed: 50_000 + i }
      const order = i % 2 === 0 ? ["edge", "direct"] as const : ["direct", "edge"] as const
      for (const via of order) {
        let timed = await timeRequest(via === "edge" ? stack.edgeUrl : stack.workerUrl, path, body, via === "edge" ? viaEdge : direct)
        // The scenarios can leave the edge's per-IP shield (600 requests a minute) full: wait for its window.
        for (let wait = 0; timed.status === 429 && wait < 15; wait++) {
          if (wait === 0) log("the edge's per-IP rate limit is still full after the scenarios; waiting for its window")
          await new Promise((resolve) => setTimeout(resolve, 5_000))
          timed = await timeRequest(via === "edge" ? stack.edgeUrl : stack.workerUrl, path, body, via === "edge" ? viaEdge : direct)
        }
        if (timed.status !== 200) throw new Error(`${via} answered ${timed.status} to a latency probe`)
        ;(via === "edge" ? edgeRuns : directRuns).push(timed)
      }
    }
    const firstFrames = (runs: typeof edgeRuns) => runs.map((run) => run.firstFrameMs ?? Number.NaN)
    report = {
      ...report,
      edgeAddedLatency: {
        total: addedLatency(edgeRuns.map((run) => run.totalMs), directRuns.map((run) => run.totalMs)),
        firstFrame: addedLatency(firstFrames(edgeRuns), firstFrames(directRuns)),
      },
    }

    log(`batching gain: ${batchRequests} requests one at a time vs ${concurrency} in flight, twice each`)
    const sequential: Array<number> = []
    const concurrent: Array<number> = []
    const rowsPerCall: Array<number> = []
    const scrape = () => fetch(`${stack.workerUrl}/metrics`).then((response) => (response.ok ? response.text() : "")).catch(() => "")
    for (let repeat = 0; repeat < 2; repeat++) {
      for (const lanes of [1, concurrency]) {
        const before = await scrape()
        let failed = 0
        const tasks = Array.from({ length: batchRequests }, (_, i) => async () => {
          const timed = await timeRequest(stack.workerUrl!, path, { ...contract.request.body, stream: false, seed: 60_000 + i }, direct)
          if (timed.status !== 200) failed++
        })
        const elapsed = await runConcurrently(tasks, lanes)
        if (failed > 0) throw new Error(`${failed} of ${batchRequests} batching requests failed (${lanes} in flight)`)
        ;(lanes === 1 ? sequential : concurrent).push(throughput(batchRequests, elapsed))
        if (lanes !== 1) rowsPerCall.push(meanBetween(before, await scrape(), "unmask_batch_size", 'graph="diffusion",model="diffusion"'))
      }
    }
    report = { ...report, batching: { requests: batchRequests, concurrency, sequential, concurrent, gain: batchingGain(concurrent, sequential), rowsPerCall } }
  } else {
    log("no worker URL and signing secret: edge added latency and batching gain skipped")
  }
  report = { ...report, seconds: Math.round((Date.now() - startedAt.getTime()) / 1000), ...(previous?.soak === undefined ? {} : { soak: previous.soak }) }
  writeReport(report)
  if (edge.some((result) => result.thresholds.some((outcome) => !outcome.passed))) process.exitCode = 1
} finally {
  await stopStack()
}
