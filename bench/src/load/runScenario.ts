import autocannon from "autocannon"
import { quantile } from "../stats/summarize.js"
import { autocannonPlan } from "./autocannonPlan.js"
import { startFirstFrameProbe } from "./firstFrameProbe.js"
import type { LoadContract, Scenario } from "./LoadContract.js"
import { edgeRequestHeaders } from "./RequestSigner.js"
import { evaluateThreshold, type ThresholdOutcome } from "./thresholds.js"

export interface ScenarioResult {
  readonly scenario: string
  readonly target: string
  /** Requests sent; `unfinished` of them had no response when the scenario ended. */
  readonly requests: number
  readonly unfinished: number
  readonly requestsPerSecond: number
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number }
  readonly timeToFirstFrameMs: { readonly p50: number; readonly p95: number; readonly samples: number }
  /** Share of finished requests that failed: connection errors, timeouts, statuses the scenario does not expect. */
  readonly errorRate: number
  readonly statusCounts: Readonly<Record<string, number>>
  readonly rateLimited: number
  readonly thresholds: ReadonlyArray<ThresholdOutcome>
}

const FIRST_FRAME_PROBE_INTERVAL_MS = 1000

const runPhase = (options: autocannon.Options, onResponse: (status: number, ms: number) => void) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error === null ? resolve(result) : reject(error)))
    instance.on("response", (_client, status, _bytes, ms) => onResponse(status, ms))
  })

/** Runs one contract scenario against the edge at `url` with autocannon and checks its thresholds. */
export const runScenario = async (
  contract: LoadContract,
  name: string,
  scenario: Scenario,
  url: string,
  auth: { readonly apiKey?: string },
): Promise<ScenarioResult> => {
  const { path } = contract.request
  let seed = 0
  const nextBody = () => ({ ...contract.request.body, seed: seed++ })
  const latencies: Array<number> = []
  const statusCounts: Record<string, number> = {}
  let unexpectedStatuses = 0
  let connectionErrors = 0
  let sent = 0
  let totalSeconds = 0
  const expected = scenario.expectedStatuses ?? [200]
  const probe = startFirstFrameProbe(url, path, nextBody, auth, FIRST_FRAME_PROBE_INTERVAL_MS)

  for (const phase of autocannonPlan(scenario)) {
    const result = await runPhase({
      url: `${url}${path}`,
      method: "POST",
      connections: phase.connections,
      duration: phase.durationSeconds,
      timeout: 120,
      ...(phase.overallRate === undefined ? {} : { overallRate: phase.overallRate }),
      requests: [{
        method: "POST",
        setupRequest: (request) => {
          const body = JSON.stringify(nextBody())
          return { ...request, body, headers: edgeRequestHeaders(auth) }
        },
      }],
    }, (status, ms) => {
      latencies.push(ms)
      statusCounts[status] = (statusCounts[status] ?? 0) + 1
      if (!expected.includes(status)) unexpectedStatuses++
    })
    connectionErrors += result.errors
    sent += result.requests.sent
    totalSeconds += result.duration
  }
  const firstFrames = await probe.stop()

  const finished = latencies.length + connectionErrors
  const errorRate = finished === 0 ? Number.NaN : (unexpectedStatuses + connectionErrors) / finished
  const metricInputs = {
    http_req_failed: { rate: errorRate, percentile: () => Number.NaN },
    http_req_duration: { rate: Number.NaN, percentile: (q: number) => quantile(latencies, q) },
    time_to_first_frame: { rate: Number.NaN, percentile: (q: number) => quantile(firstFrames, q) },
  } as const
  const thresholds = Object.entries(scenario.thresholds).map(([metric, expression]) => {
    const inputs = metricInputs[metric as keyof typeof metricInputs]
    if (inputs === undefined) throw new Error(`scenario ${name}: no autocannon measurement for threshold metric ${metric}`)
    return evaluateThreshold(metric, expression, inputs)
  })
  return {
    scenario: name,
    target: url,
    requests: sent,
    unfinished: sent - finished,
    requestsPerSecond: latencies.length / totalSeconds,
    latencyMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), p99: quantile(latencies, 0.99) },
    timeToFirstFrameMs: { p50: quantile(firstFrames, 0.5), p95: quantile(firstFrames, 0.95), samples: firstFrames.length },
    errorRate,
    statusCounts,
    rateLimited: statusCounts["429"] ?? 0,
    thresholds,
  }
}
