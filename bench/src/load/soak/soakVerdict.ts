import type { MemorySample } from "./stackMemory.js"

/**
 * Mean memory of the soak's second minute and of its last minute; flat when within `tolerance` of each
 * other. Samples without the figure (NaN) are left out.
 */
export interface MemoryTrend {
  readonly secondMinuteMb: number
  readonly lastMinuteMb: number
  /** last / second. */
  readonly ratio: number
  readonly flat: boolean
}

const mean = (values: ReadonlyArray<number>) => values.reduce((sum, value) => sum + value, 0) / values.length

export const memoryTrend = (samples: ReadonlyArray<MemorySample>, pick: (sample: MemorySample) => number, totalS: number, tolerance = 0.1): MemoryTrend => {
  const figures = (keep: (sample: MemorySample) => boolean) => samples.filter(keep).map(pick).filter(Number.isFinite)
  const secondMinuteMb = mean(figures((sample) => sample.atS >= 60 && sample.atS < 120))
  const lastMinuteMb = mean(figures((sample) => sample.atS >= totalS - 60))
  const ratio = lastMinuteMb / secondMinuteMb
  return { secondMinuteMb, lastMinuteMb, ratio, flat: Number.isFinite(ratio) && Math.abs(ratio - 1) <= tolerance }
}

/** One figure of one key's books: what the edge recorded against what the requests sent imply. */
export interface UsageCheck {
  readonly key: string
  readonly quantity: "requests" | "promptTokens" | "completionTokens" | "nfe"
  /** Exact, or `[at least, at most]` where the client cannot know the exact figure (cancelled streams). */
  readonly expected: number | readonly [number, number]
  readonly recorded: number
}

export const usageCheckPasses = ({ expected, recorded }: UsageCheck): boolean =>
  typeof expected === "number" ? recorded === expected : recorded >= expected[0] && recorded <= expected[1]

/**
 * The edge's heap may vary by what is in flight at the snapshot; its resident set is reported but not
 * judged: wrangler dev's proxy process, which runs none of the edge's code, grows the same way.
 */
export const EDGE_HEAP_TOLERANCE = 0.25

export interface SoakVerdict {
  readonly workerMemoryFlat: boolean
  /** The edge isolate's JS heap after GC. */
  readonly edgeMemoryFlat: boolean
  /** The same worker process from the first sample to the last (no crash and restart). */
  readonly workerNeverRestarted: boolean
  readonly no5xx: boolean
  readonly noHangs: boolean
  readonly noOtherFailures: boolean
  readonly usageMatches: boolean
  readonly passed: boolean
}

export interface VerdictInputs {
  readonly worker: MemoryTrend
  readonly edgeHeap: MemoryTrend
  readonly samples: ReadonlyArray<MemorySample>
  readonly statusCounts: Readonly<Record<string, number>>
  readonly hangs: number
  /** Connection errors, broken-off streams, 200s without usage, statuses other than 200 and 429. */
  readonly otherFailures: number
  readonly usage: ReadonlyArray<UsageCheck>
}

export const soakVerdict = (inputs: VerdictInputs): SoakVerdict => {
  const workerPids = new Set(inputs.samples.map((sample) => sample.workerPid))
  const checks = {
    workerMemoryFlat: inputs.worker.flat,
    edgeMemoryFlat: inputs.edgeHeap.flat,
    workerNeverRestarted: workerPids.size === 1 && !workerPids.has(undefined),
    no5xx: Object.entries(inputs.statusCounts).every(([status, count]) => Number(status) < 500 || count === 0),
    noHangs: inputs.hangs === 0,
    noOtherFailures: inputs.otherFailures === 0,
    usageMatches: inputs.usage.length > 0 && inputs.usage.every(usageCheckPasses),
  }
  return { ...checks, passed: Object.values(checks).every(Boolean) }
}
