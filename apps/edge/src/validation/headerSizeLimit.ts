import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../appEnv.js";
import { ApiError } from "../errors.js";

/**
 * Largest total of request header names and values. Browsers and SDKs send a few KiB; workerd
 * itself answers 431 in plain text only far above this, so every client over it gets a JSON error.
 */
export const MAX_HEADER_BYTES = 32 * 1024;

export const headerSizeLimit = createMiddleware<AppEnv>(async (c, next) => {
  let size = 0;
  c.req.raw.headers.forEach((value, name) => {
    size += name.length + value.length;
  });
  if (size > MAX_HEADER_BYTES) {
    throw new ApiError(431, "headers_too_large", `The request headers are larger than ${MAX_HEADER_BYTES} bytes in total.`);
  }
  await next();
});
