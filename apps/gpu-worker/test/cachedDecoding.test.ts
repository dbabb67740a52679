import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningWorker } from "../src/index.js"
import { modelCalls, scrape, total } from "./support/prometheus.js"
import { json, parseServerSentEvents, postJson, startTestWorker } from "./support/workerHarness.js"

let worker: RunningWorker
beforeAll(async () => {
  worker = await startTestWorker({ MAX_CONCURRENT_REQUESTS: "8" })
})
afterAll(() => worker?.close())

const PROMPT = "Once upon a time, there was a little girl named Lily. She"
const greedy = { prompt: PROMPT, maxTokens: 32, steps: 32, blockLength: 8, seed: 0 }

const stream = async (body: object) => {
  const response = await postJson(worker, { ...body, stream: true })
  expect(response.status).toBe(200)
  const events = parseServerSentEvents(await response.text())
  return { steps: events.filter((event) => event.event === "step").map((event) => event.data), done: events.at(-1)!.data }
}

const cachedRuns = (m: Awaited<ReturnType<typeof scrape>>) => ({
  runs: total(m.samples, "unmask_batch_size_count", { graph: "diffusion_cached" }),
  calls: total(m.samples, "unmask_batch_size_sum", { graph: "diffusion_cached" }),
})

describe("block KV caches on the real cache-aware graph", () => {
  it.each(["prefix", "dual"])("%s: the first step (a full forward) commits what the uncached sampler commits", async (cache) => {
    const plain = await stream(greedy)
    const cached = await stream({ ...greedy, cache })
    expect(cached.steps[0].committed).toEqual(plain.steps[0].committed)
    expect(cached.steps[0].tokens).toEqual(plain.steps[0].tokens)
    expect(cached.steps).toHaveLength(32)
    expect(cached.done.usage).toMatchObject({ nfe: 32, steps: 32, tokensPerForward: 1 })
    expect(cached.done.tokens).not.toContain(4094)
  })

  it("threshold 1 with the dual cache is one token per step; a lower threshold or a factor takes fewer calls", async () => {
    const one = await stream({ ...greedy, cache: "dual", threshold: 1 })
    expect(one.steps.every((step) => step.committed.length === 1)).toBe(true)
    expect(one.done.tokens).toEqual((await stream({ ...greedy, cache: "dual" })).done.tokens)
    for (const rule of [{ threshold: 0.05 }, { factor: 4 }]) {
      const parallel = await stream({ ...greedy, cache: "dual", ...rule })
      expect(parallel.done.usage.nfe).toBeLessThan(32)
      expect(parallel.done.usage.tokensPerForward).toBeCloseTo(32 / parallel.done.usage.nfe, 3)
    }
  })

  it("runs through the cache-aware graph only, and merges concurrent same-shape calls without changing outputs", async () => {
    const requests = [1, 2, 3].map((seed) => ({ ...greedy, cache: "dual", temperature: 0.8, seed }))
    const alone: Array<Array<number>> = []
    for (const request of requests) alone.push((await json(await postJson(worker, request))).tokens)
    const before = await scrape(worker)
    const together = await Promise.all(requests.map(async (request) => (await json(await postJson(worker, request))).tokens))
    const after = await scrape(worker)
    expect(together).toEqual(alone)
    const [b, a] = [cachedRuns(before), cachedRuns(after)]
    expect(a.calls - b.calls).toBe(3 * 32)
    expect(a.runs - b.runs).toBeLessThan(3 * 32)
    expect(total(after.samples, "unmask_batch_size_sum", { graph: "diffusion" })).toBe(
      total(before.samples, "unmask_batch_size_sum", { graph: "diffusion" }),
    )
  })

  it.each([
    [{ cache: "both" }, "cache"],
    [{ cache: "dual", threshold: 0.9, factor: 1 }, "factor"],
    [{ factor: 0 }, "factor"],
    [{ factor: "fast" }, "factor"],
  ])("%j -> 400 naming %s, no model call", async (fields, field) => {
    const before = await modelCalls(worker)
    const response = await postJson(worker, { ...greedy, ...fields })
    expect(response.status).toBe(400)
    expect((await json(response)).error).toMatchObject({ code: "invalid_parameter", field })
    expect(await modelCalls(worker)).toBe(before)
  })
})
