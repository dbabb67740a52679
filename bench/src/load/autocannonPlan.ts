import { durationSeconds } from "./durations.js"
import type { Scenario } from "./LoadContract.js"

/** One autocannon run: `connections` closed-loop clients, optionally rate-limited overall. */
export interface AutocannonPhase {
  readonly connections: number
  readonly durationSeconds: number
  /** Requests per second over all connections; undefined = as fast as responses come back. */
  readonly overallRate?: number
}

/**
 * The autocannon runs that stand in for a k6 scenario. constant-arrival-rate becomes a rate-limited
 * run with maxVUs connections (autocannon cannot open VUs on demand, so a backlog shows as missed
 * rate, not as new VUs); each ramping-vus stage becomes one run at the stage's mean VU count.
 */
export const autocannonPlan = (scenario: Scenario): Array<AutocannonPhase> => {
  if (scenario.executor === "constant-arrival-rate") {
    const perSecond = scenario.rate / durationSeconds(scenario.timeUnit)
    if (!Number.isInteger(perSecond) || perSecond < 1) throw new Error(`autocannon needs a whole number of requests per second, got ${perSecond}`)
    return [{ connections: scenario.maxVUs, durationSeconds: durationSeconds(scenario.duration), overallRate: perSecond }]
  }
  let previous = scenario.startVUs
  return scenario.stages.flatMap((stage) => {
    const mean = Math.round((previous + stage.target) / 2)
    previous = stage.target
    return mean < 1 ? [] : [{ connections: mean, durationSeconds: durationSeconds(stage.duration) }]
  })
}
