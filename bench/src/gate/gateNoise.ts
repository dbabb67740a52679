import { median } from "../stats/summarize.js"
import type { GateMetric } from "./gateMetrics.js"

/**
 * One metric's values over several complete gate runs, against their centre: the geometric midpoint
 * of the lowest and highest, √(low × high), which is what the baseline stores. Runs on a shared
 * machine fall into regimes (a busy and a quiet one give different ratios), so the median would sit
 * in whichever regime had more runs; the geometric midpoint keeps the worst run equally far either way.
 */
export interface MetricNoise {
  readonly name: string
  readonly better: "higher" | "lower"
  readonly values: ReadonlyArray<number>
  readonly median: number
  readonly center: number
  /** Highest / lowest value. */
  readonly spreadFactor: number
  /** The largest factor by which a run differed from the centre, either way: what the tolerance must allow. */
  readonly worstDeviation: number
  /**
   * The most favourable run relative to the centre, as a factor ≤ 1 of "worse" (lowest value for
   * lower-is-better, highest for higher-is-better): a regression of k shows as at least k × this.
   */
  readonly favourable: number
}

/** Run-to-run noise of each metric, from the metrics of several gate runs. */
export const measureNoise = (runs: ReadonlyArray<ReadonlyArray<GateMetric>>): Array<MetricNoise> => {
  const first = runs[0] ?? []
  return first.map((metric) => {
    const values = runs.map((run) => run.find((candidate) => candidate.name === metric.name)?.value).filter((value): value is number => value !== undefined)
    const low = Math.min(...values)
    const high = Math.max(...values)
    const center = Math.sqrt(low * high)
    return {
      name: metric.name,
      better: metric.better,
      values,
      median: median(values),
      center,
      spreadFactor: high / low,
      worstDeviation: high / center,
      favourable: metric.better === "lower" ? low / center : center / high,
    }
  })
}

/**
 * What a tolerance does with the measured noise, the baseline being the centre: does any observed
 * run fail, and would a regression by `regression` (2 = twice as slow) still fail when it lands on
 * the most favourable noise observed.
 */
export const toleranceVerdict = (noise: Pick<MetricNoise, "worstDeviation" | "favourable">, tolerance: number, regression = 2) => ({
  noiseFails: noise.worstDeviation > 1 + tolerance,
  regressionCaught: regression * noise.favourable > 1 + tolerance,
})

/**
 * The tolerance that keeps the noise and a regression of `regression` equally far from the limit
 * (geometric middle of the worst run and the regression on the most favourable run), rounded up to
 * 0.05; where no tolerance separates them, 10 % above the worst run: the metric then only catches
 * regressions larger than `regression`.
 */
export const suggestTolerance = (noise: Pick<MetricNoise, "worstDeviation" | "favourable">, regression = 2): number => {
  const shown = regression * noise.favourable
  const factor = shown > noise.worstDeviation ? Math.sqrt(shown * noise.worstDeviation) : noise.worstDeviation * 1.1
  return Math.ceil((factor - 1) * 20 - 1e-9) / 20
}

/** The smallest regression factor a tolerance still catches on the most favourable noise observed. */
export const smallestCaught = (noise: Pick<MetricNoise, "favourable">, tolerance: number): number => (1 + tolerance) / noise.favourable

/** A Markdown table of the noise, with what the tolerance does with it. */
export const formatNoiseTable = (noise: ReadonlyArray<MetricNoise>, toleranceFor: (name: string) => number): string => {
  const rows = noise.map((metric) => {
    const tolerance = toleranceFor(metric.name)
    const verdict = toleranceVerdict(metric, tolerance)
    return `| ${metric.name} | ${metric.values.map((value) => value.toFixed(3)).join(", ")} | ${metric.center.toFixed(3)} | ×${metric.worstDeviation.toFixed(2)} | ×${
      (2 * metric.favourable).toFixed(2)
    } | ${(suggestTolerance(metric) * 100).toFixed(0)} % | ${(tolerance * 100).toFixed(0)} % | ${verdict.noiseFails ? "noise FAILS" : "noise passes"}, ${
      verdict.regressionCaught ? "2× caught" : `2× MISSED (catches ≥ ${smallestCaught(metric, tolerance).toFixed(1)}×)`
    } |`
  })
  return [
    "| metric | values over runs | centre √(min·max) | worst run vs centre | 2× regression on the most favourable run shows as | suggested tolerance | tolerance | verdict |",
    "|---|---|---:|---:|---:|---:|---:|---|",
    ...rows,
  ].join("\n")
}
