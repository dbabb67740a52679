/** One server-sent event as read off the wire (comments dropped, multi-line data joined). */
export interface ServerSentEvent {
  readonly event: string
  readonly data: string
}

type Body = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>

const chunksOf = (body: Body): { next(): Promise<IteratorResult<Uint8Array>>; close(): Promise<unknown> } => {
  if ("getReader" in body) {
    const reader = body.getReader()
    return { next: () => reader.read() as Promise<IteratorResult<Uint8Array>>, close: () => reader.cancel() }
  }
  const iterator = body[Symbol.asyncIterator]()
  return { next: () => iterator.next(), close: async () => iterator.return?.() }
}

/**
 * Parses a `text/event-stream` body into events as the HTML living standard describes: lines end
 * with CRLF, LF or CR (anywhere across chunks), `:` starts a comment, an event ends with a blank
 * line, an event without a name (or with an empty one) is a `message`, `id` and `retry` are
 * ignored, a partial last event is dropped. Stopping early cancels the body.
 */
export async function* readServerSentEvents(body: Body): AsyncGenerator<ServerSentEvent> {
  const chunks = chunksOf(body)
  const decoder = new TextDecoder()
  let buffer = ""
  let event = "message"
  let data: Array<string> = []
  try {
    for (;;) {
      const { done, value } = await chunks.next()
      if (!done) buffer += decoder.decode(value, { stream: true })
      let newline: number
      while ((newline = buffer.search(/\r\n|\r|\n/)) !== -1) {
        // A CR that ends the buffer may be the first half of a CRLF split over two chunks.
        if (!done && buffer[newline] === "\r" && newline === buffer.length - 1) break
        const line = buffer.slice(0, newline)
        buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1))
        if (line === "") {
          if (data.length > 0) yield { event: event === "" ? "message" : event, data: data.join("\n") }
          event = "message"
          data = []
          continue
        }
        if (line.startsWith(":")) continue
        const colon = line.indexOf(":")
        const field = colon === -1 ? line : line.slice(0, colon)
        const fieldValue = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "")
        if (field === "event") event = fieldValue
        else if (field === "data") data.push(fieldValue)
      }
      if (done) return
    }
  } finally {
    // Stopping early (the `done` event, or an error) must not leave the body open.
    await chunks.close().catch(() => undefined)
  }
}
