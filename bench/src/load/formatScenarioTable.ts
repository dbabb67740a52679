import type { ScenarioResult } from "./runScenario.js"

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : "–")

/** A Markdown table of scenario results. */
export const formatScenarioTable = (label: string, results: ReadonlyArray<ScenarioResult>): string => {
  const rows = results.map((result) =>
    `| ${label} | ${result.scenario} | ${result.requests} (${result.unfinished} unfinished) | ${result.requestsPerSecond.toFixed(2)} | ${ms(result.latencyMs.p50)} / ${ms(result.latencyMs.p95)} / ${
      ms(result.latencyMs.p99)
    } | ${ms(result.timeToFirstFrameMs.p50)} / ${ms(result.timeToFirstFrameMs.p95)} (${result.timeToFirstFrameMs.samples}) | ${Number.isFinite(result.errorRate) ? `${(result.errorRate * 100).toFixed(1)} %` : "–"} | ${result.rateLimited} | ${
      result.thresholds.every((outcome) => outcome.passed) ? "pass" : `FAIL: ${result.thresholds.filter((outcome) => !outcome.passed).map((outcome) => `${outcome.metric} ${outcome.expression} (observed ${outcome.observed.toFixed(3)})`).join("; ")}`
    } |`
  )
  return [
    "| target | scenario | requests sent | req/s | latency p50 / p95 / p99 ms | first frame p50 / p95 ms (probes) | errors | 429s | thresholds |",
    "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ...rows,
  ].join("\n")
}
