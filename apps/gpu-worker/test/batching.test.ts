import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningWorker } from "../src/index.js"
import { scrape, total } from "./support/prometheus.js"
import { json, postJson, startTestWorker } from "./support/workerHarness.js"

let worker: RunningWorker
beforeAll(async () => {
  worker = await startTestWorker({ MAX_CONCURRENT_REQUESTS: "8" })
})
afterAll(() => worker?.close())

// Different prompt lengths (so rows are padded), sampling, and one classifier-free-guided request (2 rows).
const requests = [
  { prompt: "Once upon a time", maxTokens: 16, steps: 16, temperature: 0.7, seed: 1 },
  { prompt: "The little dog ran to the park and", maxTokens: 16, steps: 8, temperature: 0.7, seed: 2 },
  { prompt: "Tom", maxTokens: 8, steps: 8, remasking: "random", seed: 3 },
  { prompt: "She was happy because", maxTokens: 16, steps: 16, cfgScale: 1, seed: 4 },
]

const generate = async (body: object): Promise<{ tokens: Array<number>; usage: { nfe: number } }> => {
  const response = await postJson(worker, body)
  expect(response.status).toBe(200)
  return json(response)
}
const tokensOf = async (body: object) => (await generate(body)).tokens

const batchRuns = (m: Awaited<ReturnType<typeof scrape>>, graph: string) => ({
  runs: total(m.samples, "unmask_batch_size_count", { graph }),
  calls: total(m.samples, "unmask_batch_size_sum", { graph }),
})

describe("continuous batching of diffusion requests", () => {
  it("merges concurrent requests into shared model calls without changing any output", async () => {
    const alone: Array<Array<number>> = []
    for (const request of requests) alone.push(await tokensOf(request))
    const before = await scrape(worker)

    const together = await Promise.all(requests.map(tokensOf))

    const after = await scrape(worker)
    expect(together).toEqual(alone)
    const calls = total(after.samples, "unmask_batch_size_count", { graph: "diffusion" }) -
      total(before.samples, "unmask_batch_size_count", { graph: "diffusion" })
    const merged = total(after.samples, "unmask_batch_size_sum", { graph: "diffusion" }) -
      total(before.samples, "unmask_batch_size_sum", { graph: "diffusion" })
    expect(merged).toBe(16 + 8 + 8 + 16) // every denoise call served exactly once
    expect(calls).toBeLessThan(merged) // ...in fewer onnxruntime runs
    const singles = (m: typeof before) => total(m.samples, "unmask_batch_size_bucket", { graph: "diffusion", le: "1" })
    const batchedRuns = calls - (singles(after) - singles(before))
    expect(batchedRuns).toBeGreaterThan(0)
  })
})

describe("batching of AR decode steps", () => {
  it("runs prefills and steps of equal length together, with the same tokens as alone", async () => {
    // Same prompt, so prefill and cache lengths line up; different seeds, so the samples differ.
    const arRequests = [1, 2, 3].map((seed) => ({ prompt: "One day, a girl", mode: "ar", maxTokens: 12, temperature: 1, seed }))
    const alone: Array<Awaited<ReturnType<typeof generate>>> = []
    for (const request of arRequests) alone.push(await generate(request))
    const before = batchRuns(await scrape(worker), "ar")

    const together = await Promise.all(arRequests.map(generate))

    const after = batchRuns(await scrape(worker), "ar")
    expect(together.map((body) => body.tokens)).toEqual(alone.map((body) => body.tokens))
    expect(after.calls - before.calls).toBe(alone.reduce((sum, body) => sum + body.usage.nfe, 0))
    expect(after.runs - before.runs).toBeLessThan(after.calls - before.calls)
  })
})
