import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningWorker } from "../src/index.js"
import { settledModelCalls as settledModelCallsOf } from "./support/prometheus.js"
import { parseServerSentEvents, postJson, startTestWorker } from "./support/workerHarness.js"

// The edge records a generation that did not finish from the step frames it was sent (NFE so far,
// positions committed): these tests hold the frames to what the worker really computed.
let worker: RunningWorker
beforeAll(async () => {
  worker = await startTestWorker()
})
afterAll(() => worker?.close())

const settledModelCalls = () => settledModelCallsOf(worker)

const stepFrames = (text: string) => parseServerSentEvents(text).filter(({ event }) => event === "step").map(({ data }) => data)
const positions = (frames: ReadonlyArray<{ committed: ReadonlyArray<number> }>) => new Set(frames.flatMap((frame) => frame.committed)).size

describe("step frames report what was computed", () => {
  it.each([
    ["diffusion", { prompt: "Once upon a time", maxTokens: 16, steps: 8 }, 16],
    ["ar", { prompt: "Once upon a time", mode: "ar", maxTokens: 6 }, undefined],
  ] as const)("%s: the last frame's NFE is the model calls made, and the frames' commits are the positions generated", async (_mode, request, generated) => {
    const before = await settledModelCalls()
    const events = parseServerSentEvents(await (await postJson(worker, { ...request, stream: true })).text())
    const frames = events.filter(({ event }) => event === "step").map(({ data }) => data)
    const done = events.find(({ event }) => event === "done")!.data
    expect(frames.at(-1)!.nfe).toBe(done.usage.nfe)
    expect(await settledModelCalls() - before).toBe(done.usage.nfe)
    // Diffusion fills the whole canvas; AR commits one token per frame.
    expect(positions(frames)).toBe(generated ?? frames.length)
  })

  it("a cancelled stream: the frames received count every model call but the few that ran while the cancel travelled", async () => {
    const before = await settledModelCalls()
    const client = new AbortController()
    const response = await postJson(worker, { prompt: "Once upon a time", maxTokens: 64, steps: 64, stream: true }, { signal: client.signal })
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    let received = ""
    while (stepFrames(received.slice(0, received.lastIndexOf("\n\n"))).length < 3) received += (await reader.read()).value ?? ""
    client.abort()
    const frames = stepFrames(received.slice(0, received.lastIndexOf("\n\n")))
    const computed = (await settledModelCalls()) - before
    const seen = frames.at(-1)!.nfe
    expect(positions(frames)).toBe(seen)
    expect(computed).toBeGreaterThanOrEqual(seen)
    expect(computed - seen).toBeLessThan(64 / 4)
  })
})
