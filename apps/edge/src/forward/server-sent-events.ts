/** One server-sent event as read off the wire (comments dropped, multi-line data joined). */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/** Parses a `text/event-stream` body into events, as the HTML living standard describes. */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "message";
  let data: string[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
        if (line === "") {
          if (data.length > 0) yield { event, data: data.join("\n") };
          event = "message";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const fieldValue = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = fieldValue;
        else if (field === "data") data.push(fieldValue);
      }
    }
  } finally {
    // Stopping early (the `done` event, or an error) must not leave the upstream body open.
    await reader.cancel().catch(() => undefined);
  }
}

export const formatEvent = (event: string | null, data: string): string =>
  `${event === null ? "" : `event: ${event}\n`}${data.split("\n").map((line) => `data: ${line}`).join("\n")}\n\n`;

export const KEEP_ALIVE_COMMENT = ": keep-alive\n\n";

export const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
} as const;
