import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningWorker } from "../src/index.js"
import { modelCalls, scrape, total } from "./support/prometheus.js"
import { json, parseServerSentEvents, postJson, startTestWorker } from "./support/workerHarness.js"

const MASK_ID = 4094
let worker: RunningWorker

beforeAll(async () => {
  worker = await startTestWorker({
    MAX_TOKENS: "250",
    MAX_STEPS: "200",
    MAX_PROMPT_TOKENS: "32",
    MAX_BODY_BYTES: "2048",
  })
})
afterAll(() => worker?.close())

const generate = async (body: Record<string, unknown>) => {
  const response = await postJson(worker, body)
  expect(response.status).toBe(200)
  return json(response)
}

describe("POST /v1/generate, non-streaming", () => {
  it.each(["diffusion", "ar"])("%s returns text, tokens, usage and timings", async (mode) => {
    const body = await generate({ prompt: "Once upon a time", mode, maxTokens: 12, steps: 6, temperature: 0.8, seed: 1 })
    expect(body.text.length).toBeGreaterThan(0)
    expect(body.tokens.length).toBe(body.usage.completionTokens)
    expect(body.tokens).not.toContain(MASK_ID)
    expect(["length", "eos"]).toContain(body.finishReason)
    expect(body.usage.promptTokens).toBe(4)
    expect(body.usage.nfe).toBe(mode === "diffusion" ? 6 : body.usage.steps)
    expect(body.timings.totalMs).toBeGreaterThanOrEqual(body.timings.modelMs)
    expect(body.timings.queueMs).toBeGreaterThanOrEqual(0)
  })

  it.each(["diffusion", "ar"])("%s: the same seed gives the same text, another seed another", async (mode) => {
    const request = { prompt: "The dog", mode, maxTokens: 16, steps: 8, temperature: 1, seed: 42 }
    const first = await generate(request)
    const again = await generate(request)
    const other = await generate({ ...request, seed: 43 })
    expect(again.text).toBe(first.text)
    expect(again.tokens).toEqual(first.tokens)
    expect(other.tokens).not.toEqual(first.tokens)
  })
})

describe("POST /v1/generate, streaming", () => {
  it("diffusion: one step per denoising step, masks only decrease, done repeats the final frame", async () => {
    const response = await postJson(worker, { prompt: "Lily saw a", maxTokens: 16, steps: 8, blockLength: 8, stream: true, seed: 5 })
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/)
    const events = parseServerSentEvents(await response.text())
    const steps = events.slice(0, -1)
    const done = events.at(-1)!
    expect(steps.map((e) => e.event)).toEqual(Array(8).fill("step"))
    expect(done.event).toBe("done")
    expect(steps.map((e) => e.data.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(steps.map((e) => e.data.block)).toEqual([0, 0, 0, 0, 1, 1, 1, 1])
    expect(steps.map((e) => e.data.nfe)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    const masks = steps.map((e) => e.data.tokens.filter((id: number) => id === MASK_ID).length)
    expect(masks).toEqual([14, 12, 10, 8, 6, 4, 2, 0])
    for (const { data } of steps) {
      expect(data.tokens).toHaveLength(16)
      for (const position of data.committed) {
        expect(position).toBeGreaterThanOrEqual(0)
        expect(data.tokens[position]).not.toBe(MASK_ID)
      }
    }
    expect(steps[0]!.data.text).toContain("[MASK]")
    expect(steps.at(-1)!.data.text).toBe(done.data.text)
    expect(done.data.usage).toMatchObject({ nfe: 8, steps: 8 })
  })

  it("ar: one step per token with the same shapes", async () => {
    const response = await postJson(worker, { prompt: "Lily saw a", mode: "ar", maxTokens: 10, stream: true, seed: 5, temperature: 0.9 })
    const events = parseServerSentEvents(await response.text())
    const steps = events.filter((e) => e.event === "step")
    const done = events.at(-1)!
    expect(done.event).toBe("done")
    expect(steps.length).toBe(done.data.usage.steps)
    steps.forEach(({ data }, i) => {
      expect(data).toMatchObject({ step: i, block: 0, nfe: i + 1, committed: [i] })
      expect(data.tokens).toHaveLength(i + 1)
    })
    expect(steps.at(-1)!.data.text).toBe(done.data.text)
  })
})

describe("invalid input: 4xx naming the field, and no model call", () => {
  const long = "word ".repeat(40)
  it.each([
    [{ mode: "diffusion" }, "prompt"],
    [{ prompt: 7 }, "prompt"],
    [{ prompt: "hi", mode: "gpt" }, "mode"],
    [{ prompt: "hi", maxTokens: 0 }, "maxTokens"],
    [{ prompt: "hi", maxTokens: 2.5 }, "maxTokens"],
    [{ prompt: "hi", maxTokens: 251 }, "maxTokens"],
    [{ prompt: "hi", maxTokens: 16, steps: 3, blockLength: 8 }, "steps"],
    [{ prompt: "hi", maxTokens: 240, steps: 240 }, "steps"],
    [{ prompt: "hi", maxTokens: 16, blockLength: 5 }, "blockLength"],
    [{ prompt: "hi", remasking: "best" }, "remasking"],
    [{ prompt: "hi", temperature: "hot" }, "temperature"],
    [{ prompt: "hi", mode: "ar", topP: 2 }, "topP"],
    [{ prompt: "hi", seed: -1 }, "seed"],
    [{ prompt: "hi", stream: "yes" }, "stream"],
    [{ prompt: long }, "prompt"],
    [{ prompt: "word ".repeat(20), maxTokens: 240, steps: 8, blockLength: 240 }, "maxTokens"],
  ])("%j -> 400 %s", async (body, field) => {
    const before = await modelCalls(worker)
    const response = await postJson(worker, body)
    expect(response.status).toBe(400)
    const { error } = await json(response)
    expect(error).toMatchObject({ code: "invalid_parameter", field })
    expect(error.message.length).toBeGreaterThan(0)
    expect(await modelCalls(worker)).toBe(before)
  })

  it.each([null, [1, 2], "text"])("rejects the JSON body %j with 400 and no field", async (body) => {
    const response = await postJson(worker, JSON.stringify(body))
    expect(response.status).toBe(400)
    const { error } = await json(response)
    expect(error.code).toBe("invalid_parameter")
    expect(error.field).toBeUndefined()
  })

  it("rejects a body that is not JSON with 400 invalid_json", async () => {
    const response = await postJson(worker, "{nope")
    expect(response.status).toBe(400)
    expect((await json(response)).error.code).toBe("invalid_json")
  })

  it("rejects an oversize body with 413 before reading it all", async () => {
    const before = await modelCalls(worker)
    const response = await postJson(worker, { prompt: "x".repeat(4096) })
    expect(response.status).toBe(413)
    expect((await json(response)).error.code).toBe("body_too_large")
    expect(await modelCalls(worker)).toBe(before)
  })

  it("answers unknown routes with a JSON 404", async () => {
    const response = await fetch(`${worker.url}/v1/nothing`)
    expect(response.status).toBe(404)
    expect((await json(response)).error.code).toBe("not_found")
  })
})

describe("probes and metrics", () => {
  it("healthz answers and readyz reports the provider and models", async () => {
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200)
    const ready = await json(await fetch(`${worker.url}/readyz`))
    expect(ready).toMatchObject({ ready: true, provider: "cpu", models: { diffusion: { contextLength: 256 }, ar: { kind: "ar" } } })
  })

  it("/metrics parses as Prometheus text, has every family, and moves after a request", async () => {
    const before = await scrape(worker)
    await generate({ prompt: "A cat", maxTokens: 8, steps: 4 })
    const after = await scrape(worker)
    for (
      const [family, type] of [
        ["unmask_requests_total", "counter"],
        ["unmask_queue_seconds", "histogram"],
        ["unmask_time_to_first_frame_seconds", "histogram"],
        ["unmask_request_duration_seconds", "histogram"],
        ["unmask_generation_nfe", "histogram"],
        ["unmask_committed_tokens_per_step", "histogram"],
        ["unmask_batch_size", "histogram"],
        ["unmask_model_calls_total", "counter"],
        ["unmask_model_call_seconds", "histogram"],
        ["unmask_in_flight_requests", "gauge"],
        ["unmask_queued_requests", "gauge"],
      ] as const
    ) expect(after.types.get(family), family).toBe(type)
    const ok = { mode: "diffusion", status: "200" }
    expect(total(after.samples, "unmask_requests_total", ok)).toBe(total(before.samples, "unmask_requests_total", ok) + 1)
    expect(total(after.samples, "unmask_model_calls_total", { graph: "diffusion" }))
      .toBe(total(before.samples, "unmask_model_calls_total", { graph: "diffusion" }) + 4)
    expect(total(after.samples, "unmask_committed_tokens_per_step_sum", { mode: "diffusion" }))
      .toBe(total(before.samples, "unmask_committed_tokens_per_step_sum", { mode: "diffusion" }) + 8)
    expect(total(after.samples, "unmask_requests_total", { status: "400" })).toBeGreaterThan(0)
  })
})
