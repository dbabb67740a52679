/** One `text/event-stream` event: its name (`message` when absent) and its data lines joined. */
export interface ServerSentEvent {
  readonly event: string
  readonly data: string
}

/** Parses one event block (the lines between blank lines); undefined for a comment-only block. */
export const parseEventBlock = (block: string): ServerSentEvent | undefined => {
  let event = "message"
  const data: Array<string> = []
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (line === "" || line.startsWith(":")) continue
    const colon = line.indexOf(":")
    const name = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? "" : line.slice(colon + 1)
    if (value.startsWith(" ")) value = value.slice(1)
    if (name === "event") event = value
    else if (name === "data") data.push(value)
  }
  return data.length === 0 ? undefined : { event, data: data.join("\n") }
}

/**
 * The events of an SSE body as they arrive (blocks end with a blank line, `\n\n`, as the worker
 * writes them); a partial last block is dropped.
 */
export async function* readServerSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder()
  let buffered = ""
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true })
    let end = buffered.indexOf("\n\n")
    while (end !== -1) {
      const event = parseEventBlock(buffered.slice(0, end))
      buffered = buffered.slice(end + 2)
      if (event !== undefined) yield event
      end = buffered.indexOf("\n\n")
    }
  }
}
