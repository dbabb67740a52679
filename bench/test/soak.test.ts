import { spawn } from "node:child_process"
import { describe, expect, it } from "vitest"
import { formatSoakReport } from "../src/load/soak/formatSoakReport.js"
import type { SoakReport } from "../src/load/soak/runSoak.js"
import { type MemorySample, sampleStackMemory } from "../src/load/soak/stackMemory.js"
import { EDGE_HEAP_TOLERANCE, memoryTrend, soakVerdict, type UsageCheck, usageCheckPasses } from "../src/load/soak/soakVerdict.js"
import { usageOf } from "../src/load/soak/usageTotals.js"

/** Ten minutes of samples every 10 s, the edge's heap on every third; `workerAt` / `heapAt` give MB at a second. */
const samples = (workerAt: (atS: number) => number, pid: number | undefined = 7, heapAt: (atS: number) => number = () => 5): Array<MemorySample> =>
  Array.from({ length: 61 }, (_, i) => ({
    atS: i * 10, workerMb: workerAt(i * 10), edgeMb: 80, edgeRuntimeMb: 60, edgeHeapMb: i % 3 === 0 ? heapAt(i * 10) : Number.NaN, workerPid: pid,
  }))

const flatInputs = (overrides: Partial<Parameters<typeof soakVerdict>[0]> = {}) => {
  const memory = samples(() => 300)
  return {
    worker: memoryTrend(memory, (sample) => sample.workerMb, 600),
    edgeHeap: memoryTrend(memory, (sample) => sample.edgeHeapMb, 600, EDGE_HEAP_TOLERANCE),
    samples: memory,
    statusCounts: { "200": 100, "429": 30 },
    hangs: 0,
    otherFailures: 0,
    usage: [{ key: "main", quantity: "nfe", expected: 800, recorded: 800 }] satisfies Array<UsageCheck>,
    ...overrides,
  }
}

describe("soak memory trend", () => {
  it("compares the last minute's mean with the second minute's (the first is warm-up)", () => {
    const warmingThenFlat = memoryTrend(samples((atS) => (atS < 60 ? 100 : 300)), (sample) => sample.workerMb, 600)
    expect(warmingThenFlat).toEqual({ secondMinuteMb: 300, lastMinuteMb: 300, ratio: 1, flat: true })
  })

  it("calls 10 % growth flat and more than that a leak", () => {
    const grows = (total: number) => memoryTrend(samples((atS) => 300 + (atS / 600) * total), (sample) => sample.workerMb, 600)
    expect(grows(30).flat).toBe(true) // second minute ≈ 307.5, last ≈ 328.5: +6.8 %
    expect(grows(60).flat).toBe(false) // +13 %
  })

  it("leaves out the samples without the figure (the edge's heap is read every 30 s)", () => {
    const heap = memoryTrend(samples(() => 300, 7, (atS) => 5 + atS / 100), (sample) => sample.edgeHeapMb, 600, EDGE_HEAP_TOLERANCE)
    expect(heap.secondMinuteMb).toBeCloseTo(5.75) // the samples at 60 and 90 s
    expect(heap.lastMinuteMb).toBeCloseTo(10.7) // 540, 570 and 600 s
    expect(heap.flat).toBe(false)
  })

  it("is not flat without samples", () => {
    expect(memoryTrend([], (sample) => sample.workerMb, 600).flat).toBe(false)
  })
})

describe("soak verdict", () => {
  it("passes a flat, error-free soak whose books match", () => {
    expect(soakVerdict(flatInputs()).passed).toBe(true)
  })

  it.each([
    ["a 5xx", { statusCounts: { "200": 99, "502": 1 } }, "no5xx"],
    ["a hang", { hangs: 1 }, "noHangs"],
    ["another failure", { otherFailures: 2 }, "noOtherFailures"],
    ["books one NFE short", { usage: [{ key: "main", quantity: "nfe", expected: 800, recorded: 799 }] }, "usageMatches"],
    ["no books at all", { usage: [] }, "usageMatches"],
    ["an edge heap that grows", { edgeHeap: memoryTrend(samples(() => 300, 7, (atS) => 5 + atS / 200), (sample) => sample.edgeHeapMb, 600, EDGE_HEAP_TOLERANCE) }, "edgeMemoryFlat"],
    ["an edge heap never measured", { edgeHeap: memoryTrend(samples(() => 300, 7, () => Number.NaN), (sample) => sample.edgeHeapMb, 600) }, "edgeMemoryFlat"],
    ["a worker restart", { samples: [...samples(() => 300, 7), ...samples(() => 300, 8)] }, "workerNeverRestarted"],
  ] as const)("fails on %s", (_label, overrides, check) => {
    const verdict = soakVerdict(flatInputs(overrides as Partial<Parameters<typeof soakVerdict>[0]>))
    expect(verdict[check]).toBe(false)
    expect(verdict.passed).toBe(false)
  })

  it("checks a range where the client cannot know the exact figure (cancelled streams)", () => {
    const check = (recorded: number): UsageCheck => ({ key: "cancel", quantity: "nfe", expected: [30, 320], recorded })
    expect(usageCheckPasses(check(30))).toBe(true)
    expect(usageCheckPasses(check(320))).toBe(true)
    expect(usageCheckPasses(check(29))).toBe(false)
    expect(usageCheckPasses(check(321))).toBe(false)
  })
})

describe("usage of an answer", () => {
  it("reads native and OpenAI usage, and nothing else", () => {
    expect(usageOf({ usage: { promptTokens: 13, completionTokens: 32, nfe: 8, steps: 8 } })).toEqual({ promptTokens: 13, completionTokens: 32, nfe: 8 })
    expect(usageOf({ usage: { prompt_tokens: 13, completion_tokens: 30, total_tokens: 43, nfe: 11 } })).toEqual({ promptTokens: 13, completionTokens: 30, nfe: 11 })
    expect(usageOf({ error: { code: "x" } })).toBeUndefined()
    expect(usageOf({ usage: { promptTokens: 13 } })).toBeUndefined()
    expect(usageOf(null)).toBeUndefined()
  })
})

describe("stack memory", () => {
  it("finds the worker among a real process tree by its command line and reads its resident memory", async () => {
    const child = spawn(process.execPath, ["-e", "console.log('up'); setTimeout(() => {}, 30000)", "apps/gpu-worker/dist/main.js"], {
      stdio: ["ignore", "pipe", "ignore"]
    })
    try {
      // Read its memory once the child runs JavaScript: right after "spawn" it may still be a bare exec (4 MB on CI).
      await new Promise((resolve) => child.stdout.once("data", resolve))
      const sample = sampleStackMemory(process.pid, 0)
      expect(sample.workerPid).toBe(child.pid)
      expect(sample.workerMb).toBeGreaterThan(5)
      expect(sample.edgeMb).toBeNaN() // no workerd under this process
      expect(sample.edgeRuntimeMb).toBeNaN()
    } finally {
      child.kill()
    }
  })
})

describe("soak report", () => {
  it("renders the verdict, the lanes, the memory per minute and every book check", () => {
    const memory = samples(() => 300)
    const lane = {
      name: "diffusion, streamed", key: "main" as const, sent: 590, statusCounts: { "200": 590 }, hangs: 0, networkErrors: 0, streamErrors: 0,
      cancelled: 0, reportedUsage: { promptTokens: 7670, completionTokens: 18880, nfe: 4720 }, answersWithoutUsage: 0,
      cancelledNfe: { seen: 0, atMost: 0 }, latencyMs: { p50: 210, p95: 380 },
    }
    const usage: Array<UsageCheck> = [{ key: "main", quantity: "requests", expected: 590, recorded: 590 }, { key: "cancel", quantity: "nfe", expected: [3, 32], recorded: 5 }]
    const report: SoakReport = {
      startedAt: "2026-12-02T18:00:00.000Z", seconds: 600, stack: "started by bench:load", lanes: [lane],
      rateLimited: { name: "over its limit", sent: 600, statusCounts: { "200": 200, "429": 400 }, hangs: 0, networkErrors: 0 },
      memory: {
        samples: memory,
        worker: memoryTrend(memory, (s) => s.workerMb, 600),
        edge: memoryTrend(memory, (s) => s.edgeMb, 600),
        edgeRuntime: memoryTrend(memory, (s) => s.edgeRuntimeMb, 600),
        edgeHeap: memoryTrend(memory, (s) => s.edgeHeapMb, 600, EDGE_HEAP_TOLERANCE),
      },
      recorded: { main: { requests: 590, promptTokens: 7670, completionTokens: 18880, nfe: 4720 }, cancel: { requests: 0, promptTokens: 0, completionTokens: 0, nfe: 5 }, limited: { requests: 200, promptTokens: 0, completionTokens: 0, nfe: 1600 } },
      usage,
      workerMetrics: { requestsByStatus: { "200": 790, "499": 1 }, nfe: 6330 },
      verdict: soakVerdict(flatInputs({ usage })),
    }
    const markdown = formatSoakReport(report)
    expect(markdown).toContain("**Pass**")
    expect(markdown).toContain("| diffusion, streamed | main | 590 | 200: 590 | – | 0 | 210 / 380 |")
    expect(markdown).toContain("| over its limit (autocannon) | limited | 600 | 200: 200, 429: 400 | – | 0 | – |")
    expect(markdown).toContain("| gpu-worker resident set (node) | 300.0 | 300.0 | 1.000× | yes |")
    expect(markdown).toContain("| edge isolate's JS heap after GC | 5.0 | 5.0 | 1.000× | yes |")
    expect(markdown).toContain("| edge resident set (wrangler dev's workerd processes) | 80.0 | 80.0 | 1.000× | not judged |")
    expect(markdown.match(/^\| \d+ \| \d+ \| 300\.0 \| 80\.0 \| 60\.0 \| 5\.0 \|$/gm)).toHaveLength(10)
    expect(markdown).toContain("| cancel | nfe | 3 – 32 | 5 | yes |")
    expect(markdown).toContain("## Soak (`npm run bench:load -- --soak`): 600 s of mixed load")
    expect(markdown).toContain("6330, against 6320 recorded by the edge for main and limited")
  })
})
