import type { Context } from "hono";
import type { AppEnv } from "../appEnv.js";
import { ApiError, invalidApiKey } from "../errors.js";
import type { GenerationOutcome, LimitName, RateLimitState } from "../limits/admissionPolicy.js";

/** Slack on top of the upstream deadline before the alarm reclaims a lease nobody released. */
const LEASE_GRACE_MS = 30_000;

const refusalMessages: Record<LimitName, string> = {
  requests_per_minute: "This key is over its requests-per-minute limit.",
  tokens_per_minute: "This key is over its tokens-per-minute limit.",
  tokens_per_day: "This key has used its daily token quota.",
  concurrent_requests: "This key has too many generations in flight.",
};

const refusalCodes = {
  requests_per_minute: "rate_limited",
  tokens_per_minute: "rate_limited",
  tokens_per_day: "quota_exceeded",
  concurrent_requests: "too_many_concurrent_requests",
} as const;

/** The IETF draft RateLimit-* fields, for the limit they describe. */
export const rateLimitHeaders = (state: RateLimitState): Record<string, string> => ({
  "RateLimit-Limit": String(state.limit),
  "RateLimit-Remaining": String(state.remaining),
  "RateLimit-Reset": String(state.resetSeconds),
});

/** A lease on the key's limits for one generation; `settle` must run once it ends (later calls are ignored). */
export interface AdmittedGeneration {
  settle(outcome: GenerationOutcome): void;
}

/**
 * Asks the key's Durable Object to admit a generation reserving `reservedTokens`. Refusals become
 * 401 (revoked or unknown key), 400 (could never fit) or 429 with Retry-After and RateLimit-*.
 */
export const admitGeneration = async (c: Context<AppEnv>, reservedTokens: number, naming: (field: string) => string): Promise<AdmittedGeneration> => {
  const limiter = c.env.KEY_LIMITER.getByName(c.get("apiKeyId"));
  const admission = await limiter.admit(reservedTokens, c.get("config").upstreamTimeoutMs + LEASE_GRACE_MS);
  if (admission.admitted) {
    for (const [name, value] of Object.entries(rateLimitHeaders(admission.requests))) c.header(name, value);
    const { leaseId } = admission;
    let settle: (outcome: GenerationOutcome) => void = () => {};
    const outcome = new Promise<GenerationOutcome>((resolve) => {
      settle = resolve;
    });
    // Registered before anything is forwarded, so the usage is written even when the client
    // disconnects first (waitUntil keeps the request's context alive once the client is gone).
    c.executionCtx.waitUntil(outcome.then((settled) => limiter.finish(leaseId, settled)));
    return { settle };
  }
  switch (admission.reason) {
    case "unknown_key":
    case "revoked":
      throw invalidApiKey();
    case "exceeds_tokens_per_minute":
      throw new ApiError(
        400, "request_exceeds_token_limit",
        `This request reserves ${reservedTokens} tokens (prompt + ${naming("maxTokens")}), more than the key's limit of ${admission.limit} tokens per minute.`,
        naming("maxTokens"),
      );
    default:
      throw new ApiError(429, refusalCodes[admission.reason], `${refusalMessages[admission.reason]} Retry after ${admission.retryAfterSeconds} s.`, undefined, {
        "Retry-After": String(admission.retryAfterSeconds),
        ...rateLimitHeaders(admission.state),
      });
  }
};
