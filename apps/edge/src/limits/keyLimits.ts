import { Schema } from "effect";

const PositiveInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1));

/**
 * Per-key limits, enforced exactly by the key's Durable Object.
 * - requestsPerMinute: token bucket of that capacity refilled continuously over a minute.
 * - tokensPerMinute: token bucket charged prompt + max_tokens up front, refunded to actual use.
 * - concurrentRequests: generations in flight at once (streaming or not).
 * - tokensPerDay: tokens charged per UTC day.
 */
export const KeyLimits = Schema.Struct({
  requestsPerMinute: PositiveInt,
  tokensPerMinute: PositiveInt,
  concurrentRequests: PositiveInt,
  tokensPerDay: PositiveInt,
});
export type KeyLimits = typeof KeyLimits.Type;

/** Limits an operator may set on a key; those left out keep their current (or default) values. */
export const KeyLimitsPatch = Schema.Struct({
  requestsPerMinute: Schema.optionalKey(PositiveInt),
  tokensPerMinute: Schema.optionalKey(PositiveInt),
  concurrentRequests: Schema.optionalKey(PositiveInt),
  tokensPerDay: Schema.optionalKey(PositiveInt),
});
export type KeyLimitsPatch = typeof KeyLimitsPatch.Type;
