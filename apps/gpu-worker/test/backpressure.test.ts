import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningWorker } from "../src/index.js"
import { modelCalls, scrape, settledModelCalls as settledModelCallsOf, total } from "./support/prometheus.js"
import { json, postJson, readEvents, sleep, startTestWorker } from "./support/workerHarness.js"

let worker: RunningWorker
beforeAll(async () => {
  worker = await startTestWorker({ MAX_CONCURRENT_REQUESTS: "1", MAX_QUEUE_LENGTH: "1", RETRY_AFTER_SECONDS: "3" })
})
afterAll(() => worker?.close())

const long = { prompt: "Once upon a time", maxTokens: 128, steps: 128 }

const settledModelCalls = () => settledModelCallsOf(worker)

const gauge = async (name: string) => total((await scrape(worker)).samples, name)

describe("queue limits", () => {
  it("answers 503 + Retry-After when every slot and queue place is taken, before any model work", async () => {
    const running = new AbortController()
    const queued = new AbortController()
    const first = await postJson(worker, { ...long, stream: true }, { signal: running.signal })
    await readEvents(first, 1)
    const second = postJson(worker, long, { signal: queued.signal }).catch(() => undefined)
    while ((await gauge("unmask_queued_requests")) < 1) await sleep(50)
    expect(await gauge("unmask_in_flight_requests")).toBe(1)

    const rejected = await postJson(worker, { prompt: "hi", maxTokens: 4, steps: 4 })
    expect(rejected.status).toBe(503)
    expect(rejected.headers.get("retry-after")).toBe("3")
    expect((await json(rejected)).error.code).toBe("queue_full")

    running.abort()
    queued.abort()
    await second
    await settledModelCalls()
    expect(await gauge("unmask_in_flight_requests")).toBe(0)
    expect(await gauge("unmask_queued_requests")).toBe(0)
    const ok = await postJson(worker, { prompt: "hi", maxTokens: 4, steps: 4 })
    expect(ok.status).toBe(200)
  })
})

describe("cancellation", () => {
  it("a streaming client that disconnects causes no further model calls", async () => {
    const client = new AbortController()
    const response = await postJson(worker, { ...long, stream: true }, { signal: client.signal })
    const [first] = await readEvents(response, 2)
    expect(first!.data.step).toBe(0)
    const before = await modelCalls(worker)
    client.abort()
    const after = await settledModelCalls()
    // Stops long before the 128 steps it asked for (a few may run while the abort travels).
    expect(after - before).toBeLessThan(long.steps / 4)
    expect(total((await scrape(worker)).samples, "unmask_requests_total", { status: "499" })).toBeGreaterThanOrEqual(1)
  })

  it("a non-streaming client that disconnects causes no further model calls", async () => {
    const before = await modelCalls(worker)
    const client = new AbortController()
    const pending = postJson(worker, long, { signal: client.signal }).catch(() => undefined)
    while ((await modelCalls(worker)) === before) await sleep(20)
    client.abort()
    await pending
    const after = await settledModelCalls()
    expect(after - before).toBeLessThan(long.steps / 2)
  })
})
