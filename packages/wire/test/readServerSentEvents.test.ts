import { describe, expect, it } from "vitest"
import { formatEvent, KEEP_ALIVE_COMMENT, readServerSentEvents, type ServerSentEvent } from "../src/index.js"

const encoder = new TextEncoder()

const streamOf = (chunks: ReadonlyArray<string>): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
      controller.close()
    },
  })

async function* iterableOf(chunks: ReadonlyArray<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk
}

const collect = async (body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Array<ServerSentEvent>> => {
  const events: Array<ServerSentEvent> = []
  for await (const event of readServerSentEvents(body)) events.push(event)
  return events
}

const TEXT = `: hello\r\nevent: step\r\ndata: {"a":1}\r\n\r\n${KEEP_ALIVE_COMMENT}data: one\rdata: two\r\r`
  + `event: done\ndata:no-space\ndata\nid: 7\nretry: 5\n\n`
  + formatEvent("multi", "first\nsecond")
  + "event: ignored\n\n"
  + "data: partial at the end"
const EXPECTED: Array<ServerSentEvent> = [
  { event: "step", data: '{"a":1}' },
  { event: "message", data: "one\ntwo" },
  { event: "done", data: "no-space\n" },
  { event: "multi", data: "first\nsecond" },
]

describe("readServerSentEvents", () => {
  it("reads CRLF, CR and LF line ends, comments, multi-line data and drops a partial last event", async () => {
    expect(await collect(streamOf([TEXT]))).toEqual(EXPECTED)
  })

  it("gives the same events whatever the chunk boundaries, including inside CRLF and a UTF-8 character", async () => {
    const bytes = encoder.encode(`${TEXT.replace("one", "ön€")}`)
    const expected = EXPECTED.map((event) => event.data === "one\ntwo" ? { ...event, data: "ön€\ntwo" } : event)
    for (let cut = 1; cut < bytes.length; cut++) {
      const chunks = [bytes.slice(0, cut), bytes.slice(cut)]
      expect(await collect(iterableOf(chunks))).toEqual(expected)
    }
    const oneByteChunks = [...bytes].map((byte) => Uint8Array.of(byte))
    expect(await collect(iterableOf(oneByteChunks))).toEqual(expected)
  })

  it("names an event with an empty name a message, and dispatches an empty data line", async () => {
    expect(await collect(streamOf(["event:\ndata\n\nevent: x\ndata:\n\n"]))).toEqual([
      { event: "message", data: "" },
      { event: "x", data: "" },
    ])
  })

  it("ends an event on a blank line made of a CR that ends the body", async () => {
    expect(await collect(streamOf(["data: x\r", "\r"]))).toEqual([{ event: "message", data: "x" }])
  })

  it("cancels a ReadableStream body when the reader stops early", async () => {
    let cancelled = false
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode(formatEvent("step", "{}")))
      },
      cancel() {
        cancelled = true
      },
    })
    for await (const event of readServerSentEvents(body)) {
      expect(event).toEqual({ event: "step", data: "{}" })
      break
    }
    expect(cancelled).toBe(true)
  })

  it("closes an async-iterable body when the reader stops early", async () => {
    let closed = false
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield encoder.encode(formatEvent(null, "tick"))
      } finally {
        closed = true
      }
    }
    for await (const event of readServerSentEvents(endless())) {
      expect(event).toEqual({ event: "message", data: "tick" })
      break
    }
    expect(closed).toBe(true)
  })
})
