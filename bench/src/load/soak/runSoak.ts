import { createKey } from "../requestTiming.js"
import { UNTHROTTLED } from "../unthrottled.js"
import { runRateLimitedLane, type RateLimitedResult } from "./runRateLimitedLane.js"
import { type LaneResult, runSoakLane } from "./runSoakLane.js"
import { connectEdgeHeapProbe } from "./edgeHeapProbe.js"
import { EDGE_HEAP_EVERY, HANG_AFTER_MS, MEMORY_SAMPLE_INTERVAL_MS, RATE_LIMITED_LANE, SOAK_LANES, type SoakKey } from "./soakPlan.js"
import { type MemorySample, startMemorySampler } from "./stackMemory.js"
import { EDGE_HEAP_TOLERANCE, memoryTrend, type MemoryTrend, type SoakVerdict, soakVerdict, type UsageCheck } from "./soakVerdict.js"
import { addUsage, NO_USAGE, type UsageTotals } from "./usageTotals.js"

export interface SoakTarget {
  readonly edgeUrl: string
  readonly adminSecret: string
  readonly workerUrl: string | undefined
  /** npm start's pid, whose process tree holds the worker and workerd; undefined: no memory samples. */
  readonly stackPid: number | undefined
  /** wrangler dev's inspector of the edge's isolate (Chrome DevTools Protocol), for its heap. */
  readonly edgeInspectorUrl: string
  readonly source: string
}

export interface SoakReport {
  readonly startedAt: string
  readonly seconds: number
  readonly stack: string
  readonly lanes: ReadonlyArray<LaneResult>
  readonly rateLimited: RateLimitedResult
  readonly memory: {
    readonly samples: ReadonlyArray<MemorySample>
    readonly worker: MemoryTrend
    readonly edge: MemoryTrend
    readonly edgeRuntime: MemoryTrend
    readonly edgeHeap: MemoryTrend
  }
  /** The edge's books (GET /admin/keys/:id/usage, total) per key. */
  readonly recorded: Readonly<Record<SoakKey, UsageTotals & { readonly requests: number }>>
  readonly usage: ReadonlyArray<UsageCheck>
  /** What the worker's /metrics counted during the soak: requests by status, and NFE (unmask_generation_nfe). */
  readonly workerMetrics?: { readonly requestsByStatus: Readonly<Record<string, number>>; readonly nfe: number }
  readonly verdict: SoakVerdict
}

/** Edge usage is written after each response (waitUntil): give the last ones time to land. */
const SETTLE_MS = 5_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const keyUsage = async (target: SoakTarget, id: string) => {
  const response = await fetch(`${target.edgeUrl}/admin/keys/${id}/usage`, { headers: { authorization: `Bearer ${target.adminSecret}` } })
  if (!response.ok) throw new Error(`usage of key ${id}: ${response.status} ${await response.text()}`)
  const { total } = (await response.json()) as { total: UsageTotals & { requests: number } }
  return total
}

/** Sums every series of a counter or histogram part, e.g. `unmask_generation_nfe_sum`, grouped by one label. */
const sumSeries = (exposition: string, name: string, groupBy?: string): Record<string, number> => {
  const groups: Record<string, number> = {}
  for (const line of exposition.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue
    const group = groupBy === undefined ? "all" : (new RegExp(`${groupBy}="([^"]*)"`).exec(line)?.[1] ?? "")
    groups[group] = (groups[group] ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1))
  }
  return groups
}

const scrape = (workerUrl: string | undefined) =>
  workerUrl === undefined ? Promise.resolve(undefined) : fetch(`${workerUrl}/metrics`).then((response) => (response.ok ? response.text() : undefined), () => undefined)

const countsBetween = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([group, value]) => [group, value - (before[group] ?? 0)]).filter(([, value]) => value !== 0))

const mergeCounts = (counts: ReadonlyArray<Readonly<Record<string, number>>>) => {
  const merged: Record<string, number> = {}
  for (const one of counts) for (const [status, count] of Object.entries(one)) merged[status] = (merged[status] ?? 0) + count
  return merged
}

/**
 * The soak: every lane of the mix at once for `seconds`, the worker's and the edge's memory sampled
 * every 10 s, then each key's books at the edge compared with what its requests reported.
 */
export const runSoak = async (target: SoakTarget, seconds: number, log: (line: string) => void): Promise<SoakReport> => {
  const stamp = Date.now()
  const keys = {
    main: await createKey(target.edgeUrl, target.adminSecret, `soak-main-${stamp}`, UNTHROTTLED),
    cancel: await createKey(target.edgeUrl, target.adminSecret, `soak-cancel-${stamp}`, UNTHROTTLED),
    limited: await createKey(target.edgeUrl, target.adminSecret, `soak-limited-${stamp}`, { ...UNTHROTTLED, ...RATE_LIMITED_LANE.keyLimits }),
  }
  const metricsBefore = await scrape(target.workerUrl)
  const startedAt = new Date()
  const heapProbe = await connectEdgeHeapProbe(target.edgeInspectorUrl).catch((error: Error) => {
    log(`soak: no heap probe at ${target.edgeInspectorUrl} (${error.message}): the edge's heap is not measured and the soak fails`)
    return undefined
  })
  const sampler = target.stackPid === undefined
    ? undefined
    : startMemorySampler(target.stackPid, MEMORY_SAMPLE_INTERVAL_MS, heapProbe === undefined ? undefined : { probe: heapProbe, every: EDGE_HEAP_EVERY })
  const deadline = Date.now() + seconds * 1000
  log(`soak: ${SOAK_LANES.length + 1} lanes for ${seconds} s against ${target.edgeUrl}${sampler === undefined ? " (no stack pid: memory not sampled)" : ""}`)
  const progress = setInterval(() => log(`soak: ${Math.round((deadline - Date.now()) / 1000)} s to go`), 60_000)
  const [rateLimited, ...lanes] = await Promise.all([
    runRateLimitedLane(target.edgeUrl, keys.limited.key, seconds, HANG_AFTER_MS),
    ...SOAK_LANES.map((lane, i) => runSoakLane(lane, target.edgeUrl, keys[lane.key].key, deadline, HANG_AFTER_MS, 100_000 * (i + 1))),
  ])
  clearInterval(progress)
  const samples = (await sampler?.stop()) ?? []
  heapProbe?.close()
  const elapsedS = (Date.now() - startedAt.getTime()) / 1000
  await sleep(SETTLE_MS)
  const metricsAfter = await scrape(target.workerUrl)

  const recorded = {
    main: await keyUsage(target, keys.main.id),
    cancel: await keyUsage(target, keys.cancel.id),
    limited: await keyUsage(target, keys.limited.id),
  }
  const laneOf = (key: SoakKey) => lanes.filter((lane) => lane.key === key)
  const reported = laneOf("main").reduce((sum, lane) => addUsage(sum, lane.reportedUsage), NO_USAGE)
  const mainAnswers = laneOf("main").reduce((sum, lane) => sum + (lane.statusCounts["200"] ?? 0), 0)
  // Every lane sends the same prompt: its token count, from the answers that reported it.
  const promptTokensEach = reported.promptTokens / mainAnswers
  const sentBy = (key: SoakKey) => laneOf(key).reduce((sum, lane) => sum + lane.sent, 0)
  const cancelled = laneOf("cancel").reduce((sum, lane) => ({ seen: sum.seen + lane.cancelledNfe.seen, atMost: sum.atMost + lane.cancelledNfe.atMost }), { seen: 0, atMost: 0 })
  const limitedAdmitted = rateLimited.statusCounts["200"] ?? 0
  const usage: Array<UsageCheck> = [
    { key: "main", quantity: "requests", expected: sentBy("main"), recorded: recorded.main.requests },
    { key: "main", quantity: "promptTokens", expected: reported.promptTokens, recorded: recorded.main.promptTokens },
    { key: "main", quantity: "completionTokens", expected: reported.completionTokens, recorded: recorded.main.completionTokens },
    { key: "main", quantity: "nfe", expected: reported.nfe, recorded: recorded.main.nfe },
    { key: "cancel", quantity: "requests", expected: sentBy("cancel"), recorded: recorded.cancel.requests },
    { key: "cancel", quantity: "promptTokens", expected: promptTokensEach * sentBy("cancel"), recorded: recorded.cancel.promptTokens },
    { key: "cancel", quantity: "nfe", expected: [cancelled.seen, cancelled.atMost], recorded: recorded.cancel.nfe },
    { key: "limited", quantity: "requests", expected: limitedAdmitted, recorded: recorded.limited.requests },
    { key: "limited", quantity: "promptTokens", expected: promptTokensEach * limitedAdmitted, recorded: recorded.limited.promptTokens },
    { key: "limited", quantity: "nfe", expected: RATE_LIMITED_LANE.nfePerRequest * limitedAdmitted, recorded: recorded.limited.nfe },
  ]

  const statusCounts = mergeCounts([...lanes.map((lane) => lane.statusCounts), rateLimited.statusCounts])
  const unexpectedStatuses = lanes.reduce((sum, lane) => sum + lane.sent - (lane.statusCounts["200"] ?? 0) - lane.hangs - lane.networkErrors, 0)
    + Object.entries(rateLimited.statusCounts).filter(([status]) => status !== "200" && status !== "429").reduce((sum, [, count]) => sum + count, 0)
  const otherFailures = unexpectedStatuses + rateLimited.networkErrors
    + lanes.reduce((sum, lane) => sum + lane.networkErrors + lane.streamErrors + lane.answersWithoutUsage, 0)
  const hangs = rateLimited.hangs + lanes.reduce((sum, lane) => sum + lane.hangs, 0)
  const memory = {
    samples,
    worker: memoryTrend(samples, (sample) => sample.workerMb, elapsedS),
    edge: memoryTrend(samples, (sample) => sample.edgeMb, elapsedS),
    edgeRuntime: memoryTrend(samples, (sample) => sample.edgeRuntimeMb, elapsedS),
    edgeHeap: memoryTrend(samples, (sample) => sample.edgeHeapMb, elapsedS, EDGE_HEAP_TOLERANCE),
  }
  const workerMetrics = metricsBefore === undefined || metricsAfter === undefined ? undefined : {
    requestsByStatus: countsBetween(sumSeries(metricsBefore, "unmask_requests_total", "status"), sumSeries(metricsAfter, "unmask_requests_total", "status")),
    nfe: (sumSeries(metricsAfter, "unmask_generation_nfe_sum")["all"] ?? 0) - (sumSeries(metricsBefore, "unmask_generation_nfe_sum")["all"] ?? 0),
  }
  return {
    startedAt: startedAt.toISOString(),
    seconds: Math.round(elapsedS),
    stack: target.source,
    lanes,
    rateLimited,
    memory,
    recorded,
    usage,
    ...(workerMetrics === undefined ? {} : { workerMetrics }),
    verdict: soakVerdict({ worker: memory.worker, edgeHeap: memory.edgeHeap, samples, statusCounts, hangs, otherFailures, usage }),
  }
}
