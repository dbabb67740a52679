import { type Environment, type RunningWorker, startWorker } from "../../src/index.js"

/** A worker on an ephemeral loopback port with the shipped models; `env` overrides the defaults. */
export const startTestWorker = (env: Environment = {}): Promise<RunningWorker> =>
  startWorker({ env: { HOST: "127.0.0.1", PORT: "0", ALLOW_UNSIGNED: "1", ...env } })

export const postJson = (worker: RunningWorker, body: unknown, init: RequestInit = {}) =>
  fetch(`${worker.url}/v1/generate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  })

/** POSTs a generation that must succeed and returns its JSON body, untyped (the tests assert its shape). */
export const generateOk = async (worker: RunningWorker, body: unknown): Promise<any> => {
  const response = await postJson(worker, body)
  if (response.status !== 200) throw new Error(`expected 200, got ${response.status}: ${await response.text()}`)
  return response.json()
}

export interface ServerSentEvent {
  readonly event: string
  readonly data: any
}

/** Parses a complete `text/event-stream` body. */
export const parseServerSentEvents = (text: string): Array<ServerSentEvent> =>
  text.split("\n\n").filter((block) => block.trim() !== "").map((block) => {
    const lines = block.split("\n")
    const event = lines.find((line) => line.startsWith("event: "))?.slice(7) ?? "message"
    const data = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n")
    return { event, data: JSON.parse(data) }
  })

/** Reads an SSE response until `count` events have arrived, then stops reading (the body stays open). */
export const readEvents = async (response: Response, count: number): Promise<Array<ServerSentEvent>> => {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let buffered = ""
  while (buffered.split("\n\n").length - 1 < count) {
    const { done, value } = await reader.read()
    if (done) break
    buffered += decoder.decode(value, { stream: true })
  }
  reader.releaseLock()
  return parseServerSentEvents(buffered.split("\n\n").slice(0, count).join("\n\n"))
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A response body as JSON, untyped: the tests assert its shape. */
export const json = (response: Response): Promise<any> => response.json()
