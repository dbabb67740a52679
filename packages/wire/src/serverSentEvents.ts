/** One server-sent event, `event:` (`message` when absent) and its `data:` lines joined. */
export const formatEvent = (event: string | null, data: string): string =>
  `${event === null ? "" : `event: ${event}\n`}${data.split("\n").map((line) => `data: ${line}`).join("\n")}\n\n`

/** A comment line: keeps an idle stream open through proxies; readers drop it. */
export const KEEP_ALIVE_COMMENT = ": keep-alive\n\n"

/** The media type of a server-sent event stream: the `accept` of a client that wants one. */
export const EVENT_STREAM_TYPE = "text/event-stream"

export const EVENT_STREAM_HEADERS = {
  "content-type": `${EVENT_STREAM_TYPE}; charset=utf-8`,
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
} as const
