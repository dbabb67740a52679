import { quantile } from "../stats/summarize.js"

export interface Percentiles {
  readonly p50: number
  readonly p95: number
}

export const percentiles = (values: ReadonlyArray<number>): Percentiles => ({ p50: quantile(values, 0.5), p95: quantile(values, 0.95) })

/** What the edge adds: the same requests through the edge and straight to the worker, interleaved. */
export interface AddedLatency {
  readonly edge: Percentiles
  readonly direct: Percentiles
  /** edge − direct of each percentile. */
  readonly difference: Percentiles
  /** edge / direct of each percentile. */
  readonly ratio: Percentiles
  /** Median of the per-pair differences (pair i: the same body, sent back to back). */
  readonly pairedDifferenceMedian: number
  readonly pairs: number
}

export const addedLatency = (edge: ReadonlyArray<number>, direct: ReadonlyArray<number>): AddedLatency => {
  const pairs = Math.min(edge.length, direct.length)
  const viaEdge = percentiles(edge)
  const straight = percentiles(direct)
  return {
    edge: viaEdge,
    direct: straight,
    difference: { p50: viaEdge.p50 - straight.p50, p95: viaEdge.p95 - straight.p95 },
    ratio: { p50: viaEdge.p50 / straight.p50, p95: viaEdge.p95 / straight.p95 },
    pairedDifferenceMedian: quantile(Array.from({ length: pairs }, (_, i) => edge[i]! - direct[i]!), 0.5),
    pairs,
  }
}

/** Requests per second of one batch of requests, from their count and the wall time they took together. */
export const throughput = (requests: number, elapsedMs: number): number => (requests / elapsedMs) * 1000

/** Concurrent over sequential throughput, each the median over its repeats. */
export const batchingGain = (concurrent: ReadonlyArray<number>, sequential: ReadonlyArray<number>): number =>
  quantile(concurrent, 0.5) / quantile(sequential, 0.5)

/** Sum and count of a Prometheus histogram series, e.g. `unmask_batch_size{graph="diffusion"}`; 0/0 when absent. */
export const histogramTotals = (exposition: string, name: string, labels: string): { readonly sum: number; readonly count: number } => {
  const value = (suffix: string) => {
    const line = exposition.split("\n").find((candidate) => candidate.startsWith(`${name}_${suffix}{${labels}} `))
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(" ") + 1))
  }
  return { sum: value("sum"), count: value("count") }
}

/** Mean of a histogram's observations between two scrapes of /metrics; NaN when nothing was observed. */
export const meanBetween = (before: string, after: string, name: string, labels: string): number => {
  const start = histogramTotals(before, name, labels)
  const end = histogramTotals(after, name, labels)
  return end.count === start.count ? Number.NaN : (end.sum - start.sum) / (end.count - start.count)
}
