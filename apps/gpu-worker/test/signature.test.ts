import type { AddressInfo } from "node:net"
import { serve } from "@hono/node-server"
import { NONCE_HEADER, signRequest } from "@unmask/wire"
import { Hono } from "hono"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { verifyEdgeSignature } from "../src/http/verifyEdgeSignature.js"
import type { RunningWorker } from "../src/index.js"
import { modelCalls } from "./support/prometheus.js"
import { json, postJson, startTestWorker } from "./support/workerHarness.js"

const SECRET = "correct-horse-battery-staple"
let worker: RunningWorker
beforeAll(async () => {
  worker = await startTestWorker({ ALLOW_UNSIGNED: "", EDGE_SHARED_SECRET: SECRET })
})
afterAll(() => worker?.close())

const body = JSON.stringify({ prompt: "Hi", maxTokens: 4, steps: 2 })
const headersFor = async (payload: string, options: { secret?: string; nowMs?: number; origin?: string } = {}) => ({
  ...(await signRequest(options.secret ?? SECRET, {
    method: "POST",
    url: `${options.origin ?? worker.url}/v1/generate`,
    body: payload,
    nowMs: options.nowMs ?? Date.now(),
  })),
})
const send = (headers: Record<string, string>, payload = body, target = worker) =>
  postJson(target, payload, { headers: { "content-type": "application/json", ...headers } })

const expectBadSignature = async (response: Response) => {
  expect(response.status).toBe(401)
  expect((await json(response)).error.code).toBe("bad_signature")
}

describe("edge signatures", () => {
  it("accepts a correctly signed request", async () => {
    expect((await send(await headersFor(body))).status).toBe(200)
  })

  it("rejects a missing signature, before any model call", async () => {
    const before = await modelCalls(worker)
    await expectBadSignature(await send({}))
    expect(await modelCalls(worker)).toBe(before)
  })
  it("rejects the wrong secret", async () => expectBadSignature(await send(await headersFor(body, { secret: "another-secret-of-length" }))))
  it("rejects a signature over another body", async () => expectBadSignature(await send(await headersFor(body), body.replace("Hi", "Yo"))))
  it("rejects a timestamp outside the 60 s window", async () =>
    expectBadSignature(await send(await headersFor(body, { nowMs: Date.now() - 61_000 }))))

  it("accepts two identical bodies signed in the same millisecond, each with its own nonce", async () => {
    const nowMs = Date.now()
    const [first, second] = await Promise.all([headersFor(body, { nowMs }), headersFor(body, { nowMs })])
    expect(first[NONCE_HEADER]).not.toBe(second[NONCE_HEADER])
    const statuses = await Promise.all([send(first), send(second)].map(async (response) => (await response).status))
    expect(statuses).toEqual([200, 200])
  })

  it("rejects the same nonce twice (a replay)", async () => {
    const headers = await headersFor(body)
    expect((await send(headers)).status).toBe(200)
    const replayed = await send(headers)
    await expectBadSignature(replayed.clone())
    expect((await json(replayed)).error.message).toContain("already used")
  })

  it("rejects a request signed for another worker (WORKER_ORIGIN binds the signature)", async () => {
    const other = await startTestWorker({ ALLOW_UNSIGNED: "", EDGE_SHARED_SECRET: SECRET, WORKER_ORIGIN: "https://gpu-2.example.com" })
    try {
      const forThisWorker = await headersFor(body)
      await expectBadSignature(await send(forThisWorker, body, other))
      expect((await send(await headersFor(body, { origin: "https://gpu-2.example.com" }), body, other)).status).toBe(200)
    } finally {
      await other.close()
    }
  })

  it("refuses an invalid WORKER_ORIGIN at start, naming it", async () => {
    await expect(startTestWorker({ EDGE_SHARED_SECRET: SECRET, WORKER_ORIGIN: "https://gpu.example.com/prefix" })).rejects.toThrow(/WORKER_ORIGIN must be an http\(s\) origin/)
  })

  it("leaves the probes unsigned", async () => {
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200)
    expect((await fetch(`${worker.url}/metrics`)).status).toBe(200)
  })
})

describe("the replay memory", () => {
  it("is bounded: when full of live nonces it refuses with 503 (the edge fails over) instead of growing", async () => {
    const app = new Hono().post("/v1/generate", verifyEdgeSignature(SECRET, undefined, 2), (c) => c.json({ ok: true }))
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const started = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(started))
    })
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const post = async () =>
        fetch(`${url}/v1/generate`, { method: "POST", body, headers: await signRequest(SECRET, { method: "POST", url: `${url}/v1/generate`, body }) })
      expect((await post()).status).toBe(200)
      expect((await post()).status).toBe(200)
      const full = await post()
      expect(full.status).toBe(503)
      expect(full.headers.get("retry-after")).toBe("1")
      expect((await json(full)).error.code).toBe("replay_memory_full")
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
