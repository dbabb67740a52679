import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningWorker } from "../src/index.js"
import { json, postJson, startTestWorker } from "./support/workerHarness.js"

const MASK_ID = 4094
const PAD_ID = 4095
let worker: RunningWorker

beforeAll(async () => {
  worker = await startTestWorker()
})
afterAll(() => worker?.close())

const generate = async (body: Record<string, unknown>) => {
  const response = await postJson(worker, body)
  expect(response.status).toBe(200)
  return json(response)
}

describe("a vanishing temperature is greedy on the real models", () => {
  it.each([1e-320, Number.MIN_VALUE, 1e-300, 1e-6])("ar at temperature %s answers what temperature 0 answers", async (temperature) => {
    const request = { prompt: "Once upon a time", mode: "ar", maxTokens: 24, seed: 7 }
    const greedy = await generate(request)
    const tiny = await generate({ ...request, temperature })
    const tinyWithTopKP = await generate({ ...request, temperature, topK: 50, topP: 0.9 })
    expect(tiny.text).toBe(greedy.text)
    expect(tiny.tokens).toEqual(greedy.tokens)
    expect(tinyWithTopKP.tokens).toEqual(greedy.tokens)
    expect(greedy.tokens).not.toContain(MASK_ID)
    expect(greedy.tokens).not.toContain(PAD_ID)
  })

  it.each(["none", "dual"])("diffusion (cache %s) at temperature 1e-320 answers what temperature 0 answers", async (cache) => {
    const request = { prompt: "Once upon a time", mode: "diffusion", maxTokens: 16, steps: 8, blockLength: 8, cache, seed: 7 }
    const greedy = await generate(request)
    const tiny = await generate({ ...request, temperature: 1e-320 })
    expect(tiny.tokens).toEqual(greedy.tokens)
    expect(tiny.text).toBe(greedy.text)
  })
})
