const encoder = new TextEncoder()

/** One Server-Sent Event: `event: <name>` and its JSON data. */
export const serverSentEvent = (event: string, data: unknown): Uint8Array =>
  encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
