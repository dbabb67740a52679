import { readServerSentEvents } from "@unmask/wire"
import { type TargetAuth, requestHeaders } from "./RequestSigner.js"

export interface TimedRequest {
  readonly status: number
  /** Until the whole response was read. */
  readonly totalMs: number
  /** Until the first `event: step` of a stream; undefined without one. */
  readonly firstFrameMs: number | undefined
}

/** One POST, timed from before the request until its last byte (and its first frame, streaming). */
export const timeRequest = async (url: string, path: string, body: Record<string, unknown>, auth: TargetAuth): Promise<TimedRequest> => {
  const text = JSON.stringify(body)
  const started = performance.now()
  const response = await fetch(`${url}${path}`, { method: "POST", headers: await requestHeaders(auth, `${url}${path}`, text), body: text })
  let firstFrameMs: number | undefined
  if (response.body !== null) {
    for await (const { event } of readServerSentEvents(response.body)) {
      if (firstFrameMs === undefined && event === "step") firstFrameMs = performance.now() - started
    }
  }
  return { status: response.status, totalMs: performance.now() - started, firstFrameMs }
}

/** Runs `tasks` with at most `concurrency` in flight; resolves with the wall time they took together. */
export const runConcurrently = async (tasks: ReadonlyArray<() => Promise<unknown>>, concurrency: number): Promise<number> => {
  const started = performance.now()
  let next = 0
  const lane = async () => {
    while (next < tasks.length) await tasks[next++]!()
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, lane))
  return performance.now() - started
}

/** Creates an API key with the given limits through the edge's admin API; returns the key and its id (for its usage). */
export const createKey = async (edgeUrl: string, adminSecret: string, name: string, limits: Record<string, number>): Promise<{ key: string; id: string }> => {
  const response = await fetch(`${edgeUrl}/admin/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminSecret}`, "content-type": "application/json" },
    body: JSON.stringify({ name, limits }),
  })
  if (!response.ok) throw new Error(`creating key "${name}" failed: ${response.status} ${await response.text()}`)
  const { key, id } = (await response.json()) as { key: string; id: string }
  return { key, id }
}
