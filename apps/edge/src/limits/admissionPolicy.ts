import type { KeyLimits } from "./keyLimits.js";
import { type BucketShape, type TokenBucket, msUntilAvailable, msUntilFull, refill } from "./tokenBucket.js";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** What RateLimit-* headers report: the limit, what is left of it, seconds until it is whole again. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export type LimitName = "requests_per_minute" | "tokens_per_minute" | "tokens_per_day" | "concurrent_requests";

export type Refusal =
  | { admitted: false; reason: "unknown_key" | "revoked" }
  | { admitted: false; reason: "exceeds_tokens_per_minute"; limit: number }
  | { admitted: false; reason: LimitName; retryAfterSeconds: number; state: RateLimitState };

export type Admission = { admitted: true; leaseId: string; requests: RateLimitState } | Refusal;

/** Measured use of one generation, as the worker reported it. */
export interface GenerationUsage {
  promptTokens: number;
  completionTokens: number;
  nfe: number;
}

/**
 * How a generation ended, for settling its reservation:
 * `usage` when the worker reported it; `chargedTokens` is what the key pays
 * (the reservation is refunded down to it).
 */
export interface GenerationOutcome {
  usage: GenerationUsage | null;
  chargedTokens: number;
}

export interface DailyUsage {
  day: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  nfe: number;
  chargedTokens: number;
}

/** What to add to one day's usage row. */
export type UsageDelta = Omit<DailyUsage, "day">;

export interface KeyState {
  limits: KeyLimits;
  revokedAt: number | null;
  activeLeases: number;
}

/** Everything the limiter of one key remembers, besides its leases and its daily usage. */
export interface LimiterState {
  limits: KeyLimits;
  revokedAtMs: number | null;
  requests: TokenBucket;
  tokens: TokenBucket;
}

/** A generation in flight: what it reserved, on which UTC day, until when. */
export interface Lease {
  reservedTokens: number;
  day: string;
  expiresAtMs: number;
}

/** One admission to decide, with what the key has charged today and how many of its leases are live at `nowMs`. */
export interface AdmissionRequest {
  reservedTokens: number;
  leaseTtlMs: number;
  nowMs: number;
  chargedToday: number;
  activeLeases: number;
}

/** An admission: the state to keep, the lease to hold, what to charge today, and the RateLimit-* of the request bucket. */
export interface Admitted {
  admitted: true;
  state: LimiterState;
  lease: Lease;
  charge: UsageDelta;
  requests: RateLimitState;
}

/** A settlement: the state to keep (null when there was none) and what to add to `day`'s usage. */
export interface Settlement {
  state: LimiterState | null;
  day: string;
  usage: UsageDelta;
}

const NO_USAGE: UsageDelta = { requests: 0, promptTokens: 0, completionTokens: 0, nfe: 0, chargedTokens: 0 };

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const secondsCeil = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

const requestShape = (limits: KeyLimits): BucketShape => ({ capacity: limits.requestsPerMinute, refillMs: MINUTE_MS });
const tokenShape = (limits: KeyLimits): BucketShape => ({ capacity: limits.tokensPerMinute, refillMs: MINUTE_MS });

/** Sets a key's limits: a new key starts with full buckets; a known one keeps its levels, clipped to the new capacities. */
export const configure = (existing: LimiterState | null, limits: KeyLimits, nowMs: number): LimiterState =>
  existing === null
    ? {
        limits, revokedAtMs: null,
        requests: { tokens: limits.requestsPerMinute, updatedAtMs: nowMs },
        tokens: { tokens: limits.tokensPerMinute, updatedAtMs: nowMs },
      }
    : {
        ...existing, limits,
        requests: { ...existing.requests, tokens: Math.min(existing.requests.tokens, limits.requestsPerMinute) },
        tokens: { ...existing.tokens, tokens: Math.min(existing.tokens.tokens, limits.tokensPerMinute) },
      };

/** Refuses every later admission; the first revocation's time stays. */
export const revoke = (state: LimiterState, nowMs: number): LimiterState => ({ ...state, revokedAtMs: state.revokedAtMs ?? nowMs });

const bucketRefusal = (reason: LimitName, waitMs: number, bucket: TokenBucket, shape: BucketShape): Refusal => ({
  admitted: false, reason, retryAfterSeconds: secondsCeil(waitMs),
  state: { limit: shape.capacity, remaining: Math.floor(bucket.tokens), resetSeconds: Math.ceil(msUntilFull(bucket, shape) / 1000) },
});

/**
 * Admits one generation that may use up to `reservedTokens` (prompt + max_tokens): checks every
 * limit first, then charges all of them, so a refused request costs nothing.
 */
export const admit = (state: LimiterState | null, request: AdmissionRequest): Admitted | Refusal => {
  const { reservedTokens, nowMs } = request;
  if (state === null) return { admitted: false, reason: "unknown_key" };
  if (state.revokedAtMs !== null) return { admitted: false, reason: "revoked" };
  const { limits } = state;
  if (reservedTokens > limits.tokensPerMinute) {
    return { admitted: false, reason: "exceeds_tokens_per_minute", limit: limits.tokensPerMinute };
  }

  const requestBucket = requestShape(limits);
  const tokenBucket = tokenShape(limits);
  const requests = refill(state.requests, requestBucket, nowMs);
  const tokens = refill(state.tokens, tokenBucket, nowMs);
  if (requests.tokens < 1) {
    return bucketRefusal("requests_per_minute", msUntilAvailable(requests, requestBucket, 1), requests, requestBucket);
  }
  if (tokens.tokens < reservedTokens) {
    return bucketRefusal("tokens_per_minute", msUntilAvailable(tokens, tokenBucket, reservedTokens), tokens, tokenBucket);
  }
  if (request.chargedToday + reservedTokens > limits.tokensPerDay) {
    const msToMidnight = DAY_MS - (nowMs % DAY_MS);
    return {
      admitted: false, reason: "tokens_per_day", retryAfterSeconds: secondsCeil(msToMidnight),
      state: { limit: limits.tokensPerDay, remaining: Math.max(0, limits.tokensPerDay - request.chargedToday), resetSeconds: secondsCeil(msToMidnight) },
    };
  }
  if (request.activeLeases >= limits.concurrentRequests) {
    // Leases end when their generation does, which nobody can predict: retrying soon is the honest hint.
    return {
      admitted: false, reason: "concurrent_requests", retryAfterSeconds: 1,
      state: { limit: limits.concurrentRequests, remaining: 0, resetSeconds: 1 },
    };
  }

  const requestsLeft = { tokens: requests.tokens - 1, updatedAtMs: requests.updatedAtMs };
  return {
    admitted: true,
    state: { ...state, requests: requestsLeft, tokens: { tokens: tokens.tokens - reservedTokens, updatedAtMs: tokens.updatedAtMs } },
    lease: { reservedTokens, day: utcDay(nowMs), expiresAtMs: nowMs + request.leaseTtlMs },
    charge: { ...NO_USAGE, chargedTokens: reservedTokens },
    requests: {
      limit: limits.requestsPerMinute, remaining: Math.floor(requestsLeft.tokens),
      resetSeconds: Math.ceil(msUntilFull(requestsLeft, requestBucket) / 1000),
    },
  };
};

/**
 * Ends a generation: settles its token reservation down to what it is charged (the refund goes
 * back into the tokens-per-minute bucket and off the day's charge) and meters its use. A lease
 * already reclaimed (null) keeps its full charge; its use is metered on the day of `nowMs`.
 */
export const settle = (state: LimiterState | null, lease: Lease | null, outcome: GenerationOutcome, nowMs: number): Settlement => {
  const refund = lease === null ? 0 : Math.max(0, lease.reservedTokens - outcome.chargedTokens);
  return {
    state: state === null || lease === null ? state : { ...state, tokens: { ...state.tokens, tokens: state.tokens.tokens + refund } },
    day: lease?.day ?? utcDay(nowMs),
    usage: {
      requests: 1,
      promptTokens: outcome.usage?.promptTokens ?? 0,
      completionTokens: outcome.usage?.completionTokens ?? 0,
      nfe: outcome.usage?.nfe ?? 0,
      chargedTokens: -refund,
    },
  };
};

/** Where the alarm that reclaims leases belongs once a lease expiring at `expiresAtMs` is added. */
export const alarmFor = (currentAlarmMs: number | null, expiresAtMs: number): number =>
  currentAlarmMs === null ? expiresAtMs : Math.min(currentAlarmMs, expiresAtMs);
