import { formatScenarioTable } from "./formatScenarioTable.js"
import type { AddedLatency } from "./latencyStats.js"
import type { ScenarioResult } from "./runScenario.js"
import { formatSoakReport } from "./soak/formatSoakReport.js"
import type { SoakReport } from "./soak/runSoak.js"

export interface BatchingResult {
  readonly requests: number
  readonly concurrency: number
  /** req/s of each repeat, one request at a time. */
  readonly sequential: ReadonlyArray<number>
  /** req/s of each repeat, `concurrency` in flight. */
  readonly concurrent: ReadonlyArray<number>
  /** Median concurrent / median sequential. */
  readonly gain: number
  /** Generations per diffusion model call in each concurrent repeat (worker /metrics, `unmask_batch_size`). */
  readonly rowsPerCall?: ReadonlyArray<number>
}

export interface LoadReport {
  readonly startedAt: string
  readonly seconds: number
  readonly stack: string
  readonly durationScale: number
  readonly request: { readonly path: string; readonly body: Record<string, unknown> }
  readonly edge: ReadonlyArray<ScenarioResult>
  readonly edgeAddedLatency?: { readonly total: AddedLatency; readonly firstFrame: AddedLatency }
  readonly batching?: BatchingResult
  /** The last `--soak` run (kept by runs without it). */
  readonly soak?: SoakReport
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : "–")
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "–")

const latencyRow = (label: string, latency: AddedLatency) =>
  `| ${label} | ${ms(latency.direct.p50)} / ${ms(latency.direct.p95)} | ${ms(latency.edge.p50)} / ${ms(latency.edge.p95)} | ${ms(latency.difference.p50)} / ${
    ms(latency.difference.p95)
  } | ${times(latency.ratio.p50)} / ${times(latency.ratio.p95)} | ${ms(latency.pairedDifferenceMedian)} |`

/** bench/results/load.md: the scenario table, the edge's added latency, the batching gain and the soak. */
export const formatLoadReport = (report: LoadReport): string => {
  const body = JSON.stringify(report.request.body)
  const parts = [
    "# Load test (`npm run bench:load`)",
    "",
    `${report.startedAt}, ${report.seconds} s, stack: ${report.stack}${report.durationScale === 1 ? "" : `, scenario durations ×${report.durationScale} (--quick)`}.`,
    `Every request: \`POST ${report.request.path}\` ${body} (seed varies). Scenarios: \`bench/k6/scenarios.json\`, run with autocannon.`,
    "",
    "## Scenarios through the edge",
    "",
    formatScenarioTable("edge", report.edge),
  ]
  if (report.edgeAddedLatency !== undefined) {
    const { total, firstFrame } = report.edgeAddedLatency
    parts.push(
      "",
      `## What the edge adds (${total.pairs} pairs, one request at a time, edge and direct interleaved, same body)`,
      "",
      "| ms | direct to worker p50 / p95 | through edge p50 / p95 | difference p50 / p95 | ratio p50 / p95 | median paired difference |",
      "|---|---:|---:|---:|---:|---:|",
      latencyRow("whole response", total),
      latencyRow("first frame", firstFrame),
    )
  }
  if (report.batching !== undefined) {
    const batching = report.batching
    parts.push(
      "",
      `## Worker batching gain (direct to the worker, ${batching.requests} requests per repeat, non-streaming)`,
      "",
      `| one at a time req/s | ${batching.concurrency} in flight req/s | gain | generations per diffusion call, in flight |`,
      "|---:|---:|---:|---:|",
      `| ${batching.sequential.map((value) => value.toFixed(2)).join(", ")} | ${batching.concurrent.map((value) => value.toFixed(2)).join(", ")} | ${times(batching.gain)} | ${
        batching.rowsPerCall?.map((value) => (Number.isFinite(value) ? value.toFixed(2) : "–")).join(", ") ?? "–"
      } |`,
    )
  }
  if (report.soak !== undefined) parts.push("", formatSoakReport(report.soak).trimEnd())
  return `${parts.join("\n")}\n`
}
