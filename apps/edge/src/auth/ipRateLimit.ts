import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../appEnv.js";
import { ApiError } from "../errors.js";

/** Matches the `period` of the IP_RATE_LIMITER binding in wrangler.toml. */
const IP_LIMIT_PERIOD_SECONDS = 60;

/**
 * A cheap, per-location shield keyed by client IP, in front of authentication so that
 * floods of bad keys never reach KV. Not exact: exact per-key limits live in the KeyLimiter.
 */
export const ipRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const ip = c.req.header("CF-Connecting-IP") ?? "unknown";
  const { success } = await c.env.IP_RATE_LIMITER.limit({ key: ip });
  if (!success) {
    throw new ApiError(429, "ip_rate_limited", "Too many requests from this address; slow down.", undefined, {
      "Retry-After": String(IP_LIMIT_PERIOD_SECONDS),
    });
  }
  await next();
});
