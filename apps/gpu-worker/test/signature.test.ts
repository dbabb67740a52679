import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { edgeSignature, type RunningWorker, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "../src/index.js"
import { modelCalls } from "./support/prometheus.js"
import { json, postJson, startTestWorker } from "./support/workerHarness.js"

const SECRET = "correct-horse-battery-staple"
let worker: RunningWorker
beforeAll(async () => {
  worker = await startTestWorker({ ALLOW_UNSIGNED: "", EDGE_SHARED_SECRET: SECRET })
})
afterAll(() => worker?.close())

const body = JSON.stringify({ prompt: "Hi", maxTokens: 4, steps: 2 })
const headersFor = (payload: string, options: { secret?: string; timestamp?: number } = {}) => {
  const timestamp = String(options.timestamp ?? Date.now())
  const signature = edgeSignature(options.secret ?? SECRET, { method: "POST", path: "/v1/generate", timestamp, body: payload })
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature }
}
const send = (headers: Record<string, string>, payload = body) =>
  postJson(worker, payload, { headers: { "content-type": "application/json", ...headers } })

const expectBadSignature = async (response: Response) => {
  expect(response.status).toBe(401)
  expect((await json(response)).error.code).toBe("bad_signature")
}

describe("edge signatures", () => {
  it("accepts a correctly signed request", async () => {
    expect((await send(headersFor(body))).status).toBe(200)
  })

  it("rejects a missing signature, before any model call", async () => {
    const before = await modelCalls(worker)
    await expectBadSignature(await send({}))
    expect(await modelCalls(worker)).toBe(before)
  })
  it("rejects the wrong secret", () => send(headersFor(body, { secret: "another-secret-of-length" })).then(expectBadSignature))
  it("rejects a signature over another body", () => send(headersFor(body), body.replace("Hi", "Yo")).then(expectBadSignature))
  it("rejects a timestamp outside the 60 s window", () =>
    send(headersFor(body, { timestamp: Date.now() - 61_000 })).then(expectBadSignature))
  it("rejects a replayed request", async () => {
    const headers = headersFor(body)
    expect((await send(headers)).status).toBe(200)
    await expectBadSignature(await send(headers))
  })

  it("leaves the probes unsigned", async () => {
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200)
    expect((await fetch(`${worker.url}/metrics`)).status).toBe(200)
  })
})
