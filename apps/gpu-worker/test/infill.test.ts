import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningWorker } from "../src/index.js"
import { json, parseServerSentEvents, postJson, startTestWorker } from "./support/workerHarness.js"

const EOS_ID = 4093
const MASK_ID = 4094
const PROMPT = "Once upon a time, there was a little girl named Lily."
const SUFFIX = " They were best friends forever. The end."
const greedy = { mode: "diffusion", steps: 12, seed: 3 }

let worker: RunningWorker
beforeAll(async () => {
  worker = await startTestWorker({ MAX_TOKENS: "240" })
})
afterAll(() => worker?.close())

const generate = async (body: object) => {
  const response = await postJson(worker, body)
  expect(response.status).toBe(200)
  return json(response)
}
const refusal = async (body: object) => {
  const response = await postJson(worker, body)
  return { status: response.status, error: (await json(response)).error }
}
/** The prompt tokens the worker counts for `text` alone (BOS excluded). */
const tokensOf = async (text: string): Promise<number> =>
  (await generate({ prompt: text, mode: "diffusion", maxTokens: 1, steps: 1 })).usage.promptTokens

describe("infilling on the shipped diffusion model", () => {
  it("a suffix: the completion is the middle, the answer spells the whole canvas, usage counts both sides", async () => {
    const body = await generate({ ...greedy, prompt: PROMPT, suffix: SUFFIX, maxTokens: 12 })
    expect(body.segments).toEqual([
      { text: PROMPT, generated: false },
      { text: body.text, generated: true },
      { text: SUFFIX, generated: false },
    ])
    expect(body.tokens.length).toBeGreaterThan(0)
    expect(body.usage.promptTokens).toBe((await tokensOf(PROMPT)) + (await tokensOf(SUFFIX)))
    expect(body.usage.completionTokens).toBe(body.tokens.length)
  })

  it("prompt + suffix equals the same canvas as segments; a prompt and one gap equals the plain request", async () => {
    const withSuffix = await generate({ ...greedy, prompt: PROMPT, suffix: SUFFIX, maxTokens: 12 })
    const asSegments = await generate({ ...greedy, prompt: "", segments: [{ text: PROMPT }, { masks: 12 }, { text: SUFFIX }] })
    expect(asSegments.tokens).toEqual(withSuffix.tokens)
    expect(asSegments.segments).toEqual(withSuffix.segments)
    const plain = await generate({ ...greedy, prompt: PROMPT, maxTokens: 12 })
    const oneGap = await generate({ ...greedy, prompt: "", segments: [{ text: PROMPT }, { masks: 12 }] })
    expect(oneGap.tokens).toEqual(plain.tokens)
    expect(oneGap.text).toBe(plain.text)
    expect(plain.segments).toBeUndefined()
  })

  it("streams the whole canvas: fixed spans marked and never changed, generated positions in `tokens` order", async () => {
    const segments = [{ text: PROMPT }, { masks: 6 }, { text: " Lily said," }, { masks: 6 }, { text: SUFFIX }]
    const response = await postJson(worker, { ...greedy, prompt: "", segments, blockLength: 6, stream: true, cache: "dual", threshold: 0.9 })
    expect(response.status).toBe(200)
    const events = parseServerSentEvents(await response.text())
    const steps = events.filter((event) => event.event === "step").map((event) => event.data)
    const done = events.at(-1)!
    expect(done.event).toBe("done")
    const [first] = steps
    const fixed: Array<[number, number]> = first.fixed
    const isFixed = (i: number) => fixed.some(([start, end]) => i >= start && i < end)
    expect(first.canvas).toHaveLength(done.data.usage.promptTokens + 12)
    expect(fixed.reduce((total, [start, end]) => total + end - start, 0)).toBe(done.data.usage.promptTokens)
    for (const step of steps) {
      expect(step.fixed).toEqual(fixed)
      const generated = step.canvas.filter((_: number, i: number) => !isFixed(i))
      expect(generated).toEqual(step.tokens)
      fixed.forEach(([start, end]) => expect(step.canvas.slice(start, end)).toEqual(first.canvas.slice(start, end)))
      expect(step.canvas.filter((id: number, i: number) => isFixed(i) && id === MASK_ID)).toEqual([])
    }
    expect(steps.at(-1).tokens).not.toContain(MASK_ID)
    const eos = steps.at(-1).tokens.indexOf(EOS_ID)
    expect(done.data.tokens).toEqual(eos === -1 ? steps.at(-1).tokens : steps.at(-1).tokens.slice(0, eos))
    expect(done.data.segments.map((segment: { generated: boolean }) => segment.generated)).toEqual([false, true, false, true, false])
    expect(done.data.segments[2].text).toBe(" Lily said,")
  })

  it("a plain prompt's frames are unchanged: no canvas, no fixed spans", async () => {
    const response = await postJson(worker, { ...greedy, prompt: PROMPT, maxTokens: 4, steps: 2, stream: true })
    const [step] = parseServerSentEvents(await response.text())
    expect(Object.keys(step!.data).sort()).toEqual(["block", "committed", "nfe", "step", "text", "tokens"])
  })

  it("text that spells [MASK] in a segment is text, never a masked position", async () => {
    const body = await generate({ ...greedy, steps: 4, prompt: "A", segments: [{ masks: 4 }, { text: " [MASK] and [PAD]" }] })
    expect(body.segments).toEqual([
      { text: "A", generated: false },
      { text: body.text, generated: true },
      { text: " [MASK] and [PAD]", generated: false },
    ])
    expect(body.usage.promptTokens).toBe((await tokensOf("A")) + (await tokensOf(" [MASK] and [PAD]")))
  })
})

describe("infilling errors: 400 naming the field", () => {
  it.each([
    ["AR given a suffix", { mode: "ar", prompt: PROMPT, suffix: SUFFIX }, "unsupported_for_model", "suffix"],
    ["AR given segments", { mode: "ar", prompt: "", segments: [{ text: PROMPT }, { masks: 4 }] }, "unsupported_for_model", "segments"],
    ["an empty template", { mode: "diffusion", prompt: PROMPT, segments: [] }, "invalid_parameter", "segments"],
    ["no masked span", { mode: "diffusion", prompt: "", segments: [{ text: PROMPT }, { text: SUFFIX }] }, "invalid_parameter", "segments"],
    ["a zero mask count", { mode: "diffusion", prompt: "", segments: [{ text: PROMPT }, { masks: 0 }] }, "invalid_parameter", "segments.1.masks"],
    ["over the context", { mode: "diffusion", prompt: PROMPT.repeat(2), segments: [{ masks: 230 }] }, "invalid_parameter", "segments"],
    ["a suffix over the context", { mode: "diffusion", prompt: PROMPT.repeat(2), suffix: SUFFIX, maxTokens: 230 }, "invalid_parameter", "maxTokens"],
    ["a block length that does not divide the masks", { mode: "diffusion", prompt: "A", segments: [{ masks: 5 }, { text: "B" }, { masks: 5 }], blockLength: 4, steps: 4 }, "invalid_parameter", "blockLength"],
    ["maxTokens unlike the masks", { mode: "diffusion", prompt: "A", segments: [{ masks: 5 }], maxTokens: 6 }, "invalid_parameter", "maxTokens"],
    ["both suffix and segments", { mode: "diffusion", prompt: "A", segments: [{ masks: 5 }], suffix: "B" }, "invalid_parameter", "suffix"],
  ])("%s", async (_case, body, code, field) => {
    const { status, error } = await refusal(body)
    expect(status).toBe(400)
    expect(error).toMatchObject({ code, field })
    expect(error.message.length).toBeGreaterThan(10)
  })
})
