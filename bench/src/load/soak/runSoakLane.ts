import { readServerSentEvents } from "@unmask/wire"
import { quantile } from "../../stats/summarize.js"
import { addUsage, NO_USAGE, type UsageTotals, usageOf } from "./usageTotals.js"
import type { SoakLane } from "./soakPlan.js"

export interface LaneResult {
  readonly name: string
  readonly key: SoakLane["key"]
  readonly sent: number
  readonly statusCounts: Readonly<Record<string, number>>
  /** Requests without their whole answer after `hangAfterMs` (aborted then). */
  readonly hangs: number
  readonly networkErrors: number
  /** 200 streams that ended in an `event: error` (the pool broke them off). */
  readonly streamErrors: number
  /** Streams this lane aborted on purpose after `cancelAfterFrames` frames. */
  readonly cancelled: number
  /** The sum of the `usage` of every answer that carried one. */
  readonly reportedUsage: UsageTotals
  /** 200s (read to the end) that carried no `usage`. */
  readonly answersWithoutUsage: number
  /** Cancelled streams: the NFE of the last frame read, summed, and the most they could have cost (their steps). */
  readonly cancelledNfe: { readonly seen: number; readonly atMost: number }
  readonly latencyMs: { readonly p50: number; readonly p95: number }
}

/** Reads an SSE body (@unmask/wire's parser) event by event, data parsed; stops early (cancelling the body) when `onEvent` returns false. */
const readEvents = async (body: ReadableStream<Uint8Array>, onEvent: (event: { readonly event: string; readonly data: unknown }) => boolean) => {
  for await (const { event, data } of readServerSentEvents(body)) {
    if (data !== "" && !onEvent({ event, data: JSON.parse(data) })) return
  }
}

/**
 * Sends `lane`'s request, paced, until `deadline` (ms since the epoch), one at a time; a request
 * started before the deadline is always waited for.
 */
export const runSoakLane = async (lane: SoakLane, edgeUrl: string, apiKey: string, deadline: number, hangAfterMs: number, firstSeed: number): Promise<LaneResult> => {
  const statusCounts: Record<string, number> = {}
  const latencies: Array<number> = []
  let sent = 0
  let hangs = 0
  let networkErrors = 0
  let streamErrors = 0
  let cancelled = 0
  let answersWithoutUsage = 0
  let reportedUsage = NO_USAGE
  const cancelledNfe = { seen: 0, atMost: 0 }
  const streamed = lane.body["stream"] === true

  while (Date.now() < deadline) {
    const next = Date.now() + lane.intervalMs
    const body = JSON.stringify({ ...lane.body, seed: firstSeed + sent })
    const controller = new AbortController()
    const hangTimer = setTimeout(() => controller.abort(new Error("hang")), hangAfterMs)
    const started = performance.now()
    sent++
    try {
      const response = await fetch(`${edgeUrl}${lane.path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body,
        signal: controller.signal,
      })
      statusCounts[response.status] = (statusCounts[response.status] ?? 0) + 1
      if (response.status === 200 && streamed && response.body !== null) {
        let frames = 0
        let lastNfe = 0
        let usage: UsageTotals | undefined
        await readEvents(response.body, ({ event, data }) => {
          if (event === "step") {
            frames++
            lastNfe = Number((data as { nfe: number }).nfe)
            return lane.cancelAfterFrames === undefined || frames < lane.cancelAfterFrames
          }
          if (event === "done") usage = usageOf(data)
          if (event === "error") streamErrors++
          return true
        })
        if (lane.cancelAfterFrames !== undefined && usage === undefined) {
          cancelled++
          cancelledNfe.seen += lastNfe
          cancelledNfe.atMost += Number(lane.body["steps"])
        } else if (usage === undefined) {
          answersWithoutUsage++
        }
        else reportedUsage = addUsage(reportedUsage, usage)
      } else {
        const text = await response.text()
        const usage = response.status === 200 ? usageOf(JSON.parse(text)) : undefined
        if (usage !== undefined) reportedUsage = addUsage(reportedUsage, usage)
        else if (response.status === 200) answersWithoutUsage++
      }
      latencies.push(performance.now() - started)
    } catch {
      if (controller.signal.aborted) hangs++
      else networkErrors++
    } finally {
      clearTimeout(hangTimer)
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())))
  }
  return {
    name: lane.name,
    key: lane.key,
    sent,
    statusCounts,
    hangs,
    networkErrors,
    streamErrors,
    cancelled,
    reportedUsage,
    answersWithoutUsage,
    cancelledNfe,
    latencyMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
  }
}
