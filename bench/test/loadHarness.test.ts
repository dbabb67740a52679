import { describe, expect, it } from "vitest"
import { formatLoadReport, type LoadReport } from "../src/load/formatLoadReport.js"
import { addedLatency, batchingGain, histogramTotals, meanBetween, percentiles, throughput } from "../src/load/latencyStats.js"
import { readLoadContract } from "../src/load/LoadContract.js"
import { runConcurrently } from "../src/load/requestTiming.js"
import type { ScenarioResult } from "../src/load/runScenario.js"
import { scaleScenario } from "../src/load/scaleScenario.js"
import { discoverStack, parseStackInfo, processAlive } from "../src/load/stack.js"

const stackJson = JSON.stringify({
  edgeUrl: "http://127.0.0.1:8787",
  workerUrl: "http://127.0.0.1:8788",
  apiKey: "umk_dev",
  adminSecret: "admin",
  signingSecret: "sign",
  pid: 4242,
})

describe("stack discovery", () => {
  it("prefers BASE_URL and its companions from the environment", () => {
    const target = discoverStack({
      env: { BASE_URL: "http://edge", UNMASK_API_KEY: "k", WORKER_URL: "http://worker", EDGE_SHARED_SECRET: "s", UNMASK_ADMIN_SECRET: "" },
      stackFile: stackJson,
      alive: () => true,
    })
    expect(target).toEqual({ edgeUrl: "http://edge", workerUrl: "http://worker", apiKey: "k", adminSecret: undefined, signingSecret: "s", source: "environment" })
  })

  it("uses npm start's stack file while its process lives, and ignores it once it is gone", () => {
    expect(discoverStack({ env: {}, stackFile: stackJson, alive: (pid) => pid === 4242 })).toMatchObject({
      edgeUrl: "http://127.0.0.1:8787",
      signingSecret: "sign",
      adminSecret: "admin",
      source: "running npm start",
    })
    expect(discoverStack({ env: {}, stackFile: stackJson, alive: () => false })).toBeUndefined()
    expect(discoverStack({ env: {}, stackFile: undefined, alive: () => true })).toBeUndefined()
  })

  it("rejects a malformed or incomplete stack file", () => {
    expect(parseStackInfo("{not json")).toBeUndefined()
    expect(parseStackInfo(JSON.stringify({ edgeUrl: "x", pid: 1 }))).toBeUndefined()
    expect(parseStackInfo(stackJson)?.pid).toBe(4242)
  })

  it("knows this process is alive", () => {
    expect(processAlive(process.pid)).toBe(true)
  })
})

describe("latency statistics", () => {
  it("reports the edge's added latency as a difference and a ratio of percentiles, and per pair", () => {
    const direct = [100, 110, 120, 130, 140]
    const edge = direct.map((ms) => ms + 10)
    const added = addedLatency(edge, direct)
    expect(added.direct).toEqual(percentiles(direct))
    expect(added.difference.p50).toBeCloseTo(10, 9)
    expect(added.difference.p95).toBeCloseTo(10, 9)
    expect(added.ratio.p50).toBeCloseTo(130 / 120, 9)
    expect(added.pairedDifferenceMedian).toBe(10)
    expect(added.pairs).toBe(5)
  })

  it("computes throughput and the batching gain from medians", () => {
    expect(throughput(10, 2000)).toBe(5)
    expect(batchingGain([4, 6, 5], [2, 2.5, 3])).toBe(2)
  })

  it("reads the mean batch size between two /metrics scrapes", () => {
    const scrape = (sum: number, count: number) =>
      `# HELP unmask_batch_size x\nunmask_batch_size_bucket{graph="diffusion",le="1"} 3\nunmask_batch_size_sum{graph="diffusion"} ${sum}\nunmask_batch_size_count{graph="diffusion"} ${count}\nunmask_batch_size_sum{graph="ar"} 99\n`
    expect(histogramTotals(scrape(10, 4), "unmask_batch_size", 'graph="diffusion"')).toEqual({ sum: 10, count: 4 })
    expect(meanBetween(scrape(10, 4), scrape(40, 10), "unmask_batch_size", 'graph="diffusion"')).toBe(5)
    expect(meanBetween("", scrape(8, 2), "unmask_batch_size", 'graph="diffusion"')).toBe(4)
    expect(meanBetween(scrape(8, 2), scrape(8, 2), "unmask_batch_size", 'graph="diffusion"')).toBeNaN()
  })

  it("runs tasks with bounded concurrency", async () => {
    let inFlight = 0
    let most = 0
    const tasks = Array.from({ length: 9 }, () => async () => {
      inFlight++
      most = Math.max(most, inFlight)
      await new Promise((resolve) => setTimeout(resolve, 5))
      inFlight--
    })
    expect(await runConcurrently(tasks, 3)).toBeGreaterThan(0)
    expect(most).toBe(3)
  })
})

describe("--quick scenarios", () => {
  it("scale every duration, keep at least 2 s, and keep the key limits", () => {
    const contract = readLoadContract()
    const steady = scaleScenario(contract.scenarios["steady"]!, 0.25)
    expect(steady.executor === "constant-arrival-rate" && steady.duration).toBe("8s")
    const ramp = scaleScenario({ executor: "ramping-vus", startVUs: 1, stages: [{ duration: "10s", target: 4 }, { duration: "4s", target: 1 }], thresholds: {} }, 0.25)
    expect(ramp.executor === "ramping-vus" && ramp.stages.map((stage) => stage.duration)).toEqual(["3s", "2s"])
    expect(scaleScenario(contract.scenarios["overLimit"]!, 0.5).keyLimits).toEqual({ requestsPerMinute: 60, concurrentRequests: 4 })
  })
})

describe("load report", () => {
  it("has the scenario table, the edge's added latency and the batching gain", () => {
    const scenario: ScenarioResult = {
      scenario: "steady",
      target: "http://edge",
      requests: 10,
      unfinished: 0,
      requestsPerSecond: 2,
      latencyMs: { p50: 300, p95: 400, p99: 450 },
      timeToFirstFrameMs: { p50: 50, p95: 80, samples: 5 },
      errorRate: 0,
      statusCounts: { "200": 10 },
      rateLimited: 0,
      thresholds: [{ metric: "http_req_failed", expression: "rate<0.01", observed: 0, passed: true }],
    }
    const latency = addedLatency([110, 120], [100, 100])
    const report: LoadReport = {
      startedAt: "2025-01-01T00:00:00.000Z",
      seconds: 60,
      stack: "started by bench:load",
      durationScale: 0.25,
      request: { path: "/v1/generate", body: { prompt: "x" } },
      edge: [scenario],
      edgeAddedLatency: { total: latency, firstFrame: latency },
      batching: { requests: 8, concurrency: 8, sequential: [2, 2], concurrent: [5, 6], gain: 2.75, rowsPerCall: [3.5, Number.NaN] },
    }
    const markdown = formatLoadReport(report)
    expect(markdown).toContain("| edge | steady | 10 (0 unfinished) | 2.00 | 300 / 400 / 450 | 50 / 80 (5) | 0.0 % | 0 | pass |")
    expect(markdown).toContain("| whole response | 100.0 / 100.0 | 115.0 / 119.5 | 15.0 / 19.5 | 1.15× / 1.20× | 15.0 |")
    expect(markdown).toContain("| 2.00, 2.00 | 5.00, 6.00 | 2.75× | 3.50, – |")
    expect(markdown).toContain("×0.25 (--quick)")
  })
})
