import autocannon from "autocannon"
import { RATE_LIMITED_LANE } from "./soakPlan.js"

export interface RateLimitedResult {
  readonly name: string
  readonly sent: number
  readonly statusCounts: Readonly<Record<string, number>>
  /** autocannon's timeouts (no answer within `hangAfterMs`) and connection errors. */
  readonly hangs: number
  readonly networkErrors: number
}

/** autocannon at a fixed rate on a key that allows fewer requests a minute (200s and 429s), for about `seconds`. */
export const runRateLimitedLane = (edgeUrl: string, apiKey: string, seconds: number, hangAfterMs: number) =>
  new Promise<RateLimitedResult>((resolve, reject) => {
    const statusCounts: Record<string, number> = {}
    let seed = 0
    const instance = autocannon({
      url: `${edgeUrl}${RATE_LIMITED_LANE.path}`,
      method: "POST",
      connections: 2,
      amount: Math.max(1, Math.round(seconds * RATE_LIMITED_LANE.requestsPerSecond)),
      overallRate: RATE_LIMITED_LANE.requestsPerSecond,
      timeout: hangAfterMs / 1000,
      requests: [{
        method: "POST",
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ ...RATE_LIMITED_LANE.body, seed: 900_000 + seed++ }),
          headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        }),
      }],
    }, (error, result) => {
      if (error !== null) return reject(error)
      resolve({
        name: RATE_LIMITED_LANE.name,
        sent: result.requests.sent,
        statusCounts,
        hangs: result.timeouts,
        networkErrors: result.errors - result.timeouts,
      })
    })
    instance.on("response", (_client, status) => {
      statusCounts[status] = (statusCounts[status] ?? 0) + 1
    })
  })
