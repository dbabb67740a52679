import { type GateBaseline, toleranceOf } from "./GateBaseline.js"
import type { GateMetric } from "./gateMetrics.js"

export type Verdict = "ok" | "regressed" | "improved" | "new"

export interface GateRow {
  readonly metric: GateMetric
  readonly baseline: number | undefined
  /** current / baseline. */
  readonly change: number | undefined
  readonly tolerance: number
  readonly verdict: Verdict
}

/**
 * Fails a metric that moved the wrong way by more than a factor (1 + tolerance); gains beyond it
 * are flagged, not failed (refresh the baseline to keep them).
 */
export const compareToBaseline = (metrics: ReadonlyArray<GateMetric>, baseline: GateBaseline): Array<GateRow> =>
  metrics.map((metric) => {
    const reference = baseline.metrics[metric.name]
    const tolerance = toleranceOf(baseline, metric.name)
    if (reference === undefined) return { metric, baseline: undefined, change: undefined, tolerance, verdict: "new" }
    const change = metric.value / reference
    // Oriented so that > 1 is better, whichever way the metric runs.
    const gain = metric.better === "higher" ? change : 1 / change
    const verdict = gain < 1 / (1 + tolerance) ? "regressed" : gain > 1 + tolerance ? "improved" : "ok"
    return { metric, baseline: reference, change, tolerance, verdict }
  })

export const gatePassed = (rows: ReadonlyArray<GateRow>): boolean => rows.every((row) => row.verdict !== "regressed")

const percent = (factor: number) => `${factor >= 1 ? "+" : ""}${((factor - 1) * 100).toFixed(1)} %`

/** Significant digits for ratios that range from ~0.05 to ~50. */
export const formatRatio = (value: number): string =>
  !Number.isFinite(value) ? "–" : Math.abs(value) >= 10 ? value.toFixed(1) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toFixed(3)

/** A Markdown table of every metric: baseline, now (with the range over rounds), change, the limit, the verdict. */
export const formatGateTable = (rows: ReadonlyArray<GateRow>, tolerance: number): string => {
  const lines = rows.map((row) => {
    const limit = row.baseline === undefined
      ? "–"
      : row.metric.better === "higher"
      ? `≥ ${formatRatio(row.baseline / (1 + row.tolerance))}`
      : `≤ ${formatRatio(row.baseline * (1 + row.tolerance))}`
    const spread = row.metric.spread === undefined || row.metric.spread.rounds < 2
      ? ""
      : ` (${formatRatio(row.metric.spread.low)}–${formatRatio(row.metric.spread.high)})`
    return `| ${row.metric.name} | ${row.metric.better} | ${row.baseline === undefined ? "–" : formatRatio(row.baseline)} | ${formatRatio(row.metric.value)}${spread} | ${
      row.change === undefined ? "–" : percent(row.change)
    } | ${limit} | ${row.verdict === "regressed" ? "**REGRESSED**" : row.verdict} |`
  })
  return [
    `Gate: ratios measured within this run (CPU time, all rounds pooled; in brackets the range of the rounds alone) against the committed baseline; a metric fails when it moved the wrong way by more than ×(1 + tolerance), tolerance ±${
      (tolerance * 100).toFixed(0)
    } % unless the limit says otherwise`,
    "| metric | better | baseline | now (rounds) | change | limit | verdict |",
    "|---|---|---:|---:|---:|---:|---|",
    ...lines,
  ].join("\n")
}
