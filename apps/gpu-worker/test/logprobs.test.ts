import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningWorker } from "../src/index.js"
import { modelCalls } from "./support/prometheus.js"
import { generateOk, json, parseServerSentEvents, postJson, startTestWorker } from "./support/workerHarness.js"

let worker: RunningWorker
beforeAll(async () => (worker = await startTestWorker()))
afterAll(() => worker?.close())

const generate = (body: Record<string, unknown>) => generateOk(worker, body)

interface Choice {
  token: number
  logprob: number
}

/** The shape every scored answer has: one entry per token, log-probabilities, `count` alternatives most likely first. */
const expectScored = (body: { tokens: number[]; logprobs: Array<Choice & { top: Choice[] }> }, count: number) => {
  expect(body.logprobs).toHaveLength(body.tokens.length)
  body.logprobs.forEach((scored, i) => {
    expect(scored.token).toBe(body.tokens[i])
    expect(scored.logprob).toBeLessThanOrEqual(0)
    expect(scored.top).toHaveLength(count)
    for (let k = 1; k < count; k++) expect(scored.top[k]!.logprob).toBeLessThanOrEqual(scored.top[k - 1]!.logprob)
    if (count > 0) expect(scored.logprob).toBeLessThanOrEqual(scored.top[0]!.logprob)
  })
}

const prompt = "Once upon a time, a little girl named"

describe("logprobs on the shipped models", () => {
  it.each([
    ["ar", {}],
    ["diffusion", { steps: 8 }],
    ["diffusion", { steps: 8, blockLength: 4, cache: "dual" }],
  ])("%s %j, greedy: one score per token, and the chosen token is the most likely one", async (mode, options) => {
    const body = await generate({ prompt, mode, maxTokens: 8, temperature: 0, logprobs: 2, ...options })
    expect(body.tokens.length).toBeGreaterThan(0)
    expectScored(body, 2)
    body.logprobs.forEach((scored: Choice & { top: Choice[] }) => {
      expect(scored.top[0]).toEqual({ token: scored.token, logprob: scored.logprob })
    })
  })

  it.each([
    ["ar", { topK: 20, topP: 0.9 }],
    ["diffusion", { steps: 4, cfgScale: 1 }],
  ])("%s %j, sampled: the scores have the same shape", async (mode, options) => {
    const body = await generate({ prompt, mode, maxTokens: 8, temperature: 1, seed: 3, logprobs: 5, ...options })
    expectScored(body, 5)
  })

  it.each(["ar", "diffusion"])("%s: logprobs 0 scores the tokens alone; without logprobs there are none, with the same tokens", async (mode) => {
    const request = { prompt, mode, maxTokens: 8, steps: mode === "diffusion" ? 8 : undefined, temperature: 0.7, seed: 9 }
    const plain = await generate(request)
    const scored = await generate({ ...request, logprobs: 0 })
    expect(plain).not.toHaveProperty("logprobs")
    expect(scored.tokens).toEqual(plain.tokens)
    expect(scored.usage.nfe).toBe(plain.usage.nfe)
    expectScored(scored, 0)
  })

  it("a streamed generation carries the scores in its done event", async () => {
    const response = await postJson(worker, { prompt, mode: "ar", maxTokens: 6, stream: true, logprobs: 1 })
    const events = parseServerSentEvents(await response.text())
    const done = events.at(-1)!
    expect(done.event).toBe("done")
    expectScored(done.data, 1)
    expect(events.slice(0, -1).every((event) => !("logprobs" in event.data))).toBe(true)
  })

  it.each([6, -1, 1.5, "x"])("refuses logprobs %j with 400 naming the field, before any model call", async (logprobs) => {
    const before = await modelCalls(worker)
    const response = await postJson(worker, { prompt, logprobs })
    expect(response.status).toBe(400)
    expect((await json(response)).error).toMatchObject({ code: "invalid_parameter", field: "logprobs" })
    expect(await modelCalls(worker)).toBe(before)
  })
})
