import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../appEnv.js";
import { ApiError } from "../errors.js";

/** Largest request body; prompts are bounded by the models' context long before this. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * A body the edge does not use (too large, or refused before it was read) is still read to its
 * end and dropped, up to this many bytes, before the answer goes out. Answering while the client
 * is still uploading left the connection mid-body: the client saw a reset instead of the error,
 * and under `wrangler dev` the next request on that connection failed with a 503. A larger
 * upload is cut off.
 */
const MAX_DRAINED_BYTES = 8 * 1024 * 1024;

const bodyTooLarge = () => new ApiError(413, "body_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);

/** Reads and drops the rest of a body, at most `budget` bytes; cancels it beyond that. */
const drain = async (reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): Promise<void> => {
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
      if (read > budget) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away mid-upload: nothing left to drain.
  }
};

const declaredLength = (headers: Headers): number | undefined => {
  if (headers.has("Transfer-Encoding")) return undefined;
  const value = headers.get("Content-Length");
  return value === null || !/^\d+$/.test(value) ? undefined : Number(value);
};

/** Reads a body of unknown length, at most MAX_BODY_BYTES; undefined (the rest drained) when it is larger. */
const readBounded = async (body: ReadableStream<Uint8Array>): Promise<Uint8Array | undefined> => {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await drain(reader, MAX_DRAINED_BYTES);
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
};

/**
 * 413 `body_too_large` above MAX_BODY_BYTES, whether the length is declared or streamed; and every
 * body, used or not, is consumed before the response leaves (see MAX_DRAINED_BYTES).
 */
export const requestBodyGuard = createMiddleware<AppEnv>(async (c, next) => {
  const body = c.req.raw.body;
  if (body === null) return next();
  const declared = declaredLength(c.req.raw.headers);
  if (declared !== undefined && declared > MAX_BODY_BYTES) {
    if (declared <= MAX_DRAINED_BYTES) await drain(body.getReader(), MAX_DRAINED_BYTES);
    else await body.cancel();
    throw bodyTooLarge();
  }
  if (declared === undefined) {
    const bytes = await readBounded(body);
    if (bytes === undefined) throw bodyTooLarge();
    c.req.raw = new Request(c.req.raw, { body: bytes, signal: c.req.raw.signal });
  }
  await next();
  const unread = c.req.raw.body;
  if (unread !== null && !c.req.raw.bodyUsed) await drain(unread.getReader(), MAX_BODY_BYTES);
});
