import type { GateBaseline } from "./GateBaseline.js"
import type { GateMetric } from "./gateMetrics.js"

export type Verdict = "ok" | "regressed" | "improved" | "new"

export interface GateRow {
  readonly metric: GateMetric
  readonly baseline: number | undefined
  /** current / baseline. */
  readonly change: number | undefined
  readonly verdict: Verdict
}

/** Fails a metric that moved the wrong way by more than the tolerance; gains beyond it are flagged, not failed. */
export const compareToBaseline = (metrics: ReadonlyArray<GateMetric>, baseline: GateBaseline): Array<GateRow> =>
  metrics.map((metric) => {
    const reference = baseline.metrics[metric.name]
    if (reference === undefined) return { metric, baseline: undefined, change: undefined, verdict: "new" }
    const change = metric.value / reference
    const worse = metric.better === "higher" ? change < 1 - baseline.tolerance : change > 1 + baseline.tolerance
    const better = metric.better === "higher" ? change > 1 + baseline.tolerance : change < 1 - baseline.tolerance
    return { metric, baseline: reference, change, verdict: worse ? "regressed" : better ? "improved" : "ok" }
  })

export const gatePassed = (rows: ReadonlyArray<GateRow>): boolean => rows.every((row) => row.verdict !== "regressed")

export const formatGateTable = (rows: ReadonlyArray<GateRow>, tolerance: number): string => {
  const lines = rows.map((row) =>
    `| ${row.metric.name} | ${row.baseline?.toFixed(3) ?? "–"} | ${row.metric.value.toFixed(3)} | ${
      row.change === undefined ? "–" : `${((row.change - 1) * 100).toFixed(1)} %`
    } | ${row.metric.better} | ${row.verdict === "regressed" ? "REGRESSED" : row.verdict} |`
  )
  return [
    `Gate: ratios from one run against the committed baseline, tolerance ±${(tolerance * 100).toFixed(0)} %`,
    "| metric | baseline | now | change | better | verdict |",
    "|---|---:|---:|---:|---|---|",
    ...lines,
  ].join("\n")
}
