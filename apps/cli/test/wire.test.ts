import { describe, expect, it } from "vitest"
import { WorkerUnreachable } from "../src/client.js"
import { shouldFallBack } from "../src/connect.js"
import { workerRefusal } from "../src/errors.js"
import { parseEventBlock, readServerSentEvents } from "../src/sse.js"

describe("readServerSentEvents", () => {
  it("reassembles events split across chunks, including a split UTF-8 character", async () => {
    const bytes = new TextEncoder().encode(`: comment\n\nevent: step\ndata: {"text":"é"}\n\nevent: done\ndata: {}\n\npartial`)
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7)
    }
    const events = []
    for await (const event of readServerSentEvents(chunks())) events.push(event)
    expect(events).toEqual([
      { event: "step", data: `{"text":"é"}` },
      { event: "done", data: "{}" },
    ])
  })

  it("joins data lines and defaults the event name", () => {
    expect(parseEventBlock("data: a\ndata:b")).toEqual({ event: "message", data: "a\nb" })
    expect(parseEventBlock(": only a comment")).toBeUndefined()
  })
})

describe("errors and fallback", () => {
  it("formats the worker's error body with field, status and exit status", () => {
    const invalid = workerRefusal(400, { code: "invalid_params", message: "maxTokens must be at most 128", field: "maxTokens" })
    expect(invalid.message).toBe("the worker answered 400 invalid_params (maxTokens): maxTokens must be at most 128")
    expect(invalid.exitCode).toBe(2)
    const busy = workerRefusal(503, { code: "queue_full", message: "the queue is full" })
    expect(busy.exitCode).toBe(4)
    expect(busy.message).toContain("hint: the worker is busy")
  })

  it("falls back in-process only for a refused connection at the default URL", () => {
    const refused = new WorkerUnreachable("http://127.0.0.1:8788", "connection refused", true)
    const timedOut = new WorkerUnreachable("http://127.0.0.1:8788", "no answer within 3 s", false)
    expect(shouldFallBack({ urlExplicit: false }, refused)).toBe(true)
    expect(shouldFallBack({ urlExplicit: true }, refused)).toBe(false)
    expect(shouldFallBack({ urlExplicit: false }, timedOut)).toBe(false)
  })
})
