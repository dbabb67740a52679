import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.js";
import type { KeyLimits } from "./key-limits.js";
import { type BucketShape, type TokenBucket, msUntilAvailable, msUntilFull, refill } from "./token-bucket.js";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** What RateLimit-* headers report: the limit, what is left of it, seconds until it is whole again. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export type LimitName = "requests_per_minute" | "tokens_per_minute" | "tokens_per_day" | "concurrent_requests";

export type Admission =
  | { admitted: true; leaseId: string; requests: RateLimitState }
  | { admitted: false; reason: "unknown_key" | "revoked" }
  | { admitted: false; reason: "exceeds_tokens_per_minute"; limit: number }
  | { admitted: false; reason: LimitName; retryAfterSeconds: number; state: RateLimitState };

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

export interface KeyState {
  limits: KeyLimits;
  revokedAt: number | null;
  activeLeases: number;
}

interface StateRow extends Record<string, SqlStorageValue> {
  limits: string;
  revoked_at: number | null;
  request_tokens: number;
  request_updated_ms: number;
  token_tokens: number;
  token_updated_ms: number;
}

const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const secondsCeil = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/**
 * The exact limiter of one API key (one object per key, SQLite-backed). Every method runs
 * synchronously against its own storage, so concurrent requests see exact counts.
 */
export class KeyLimiter extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        limits TEXT NOT NULL,
        revoked_at INTEGER,
        request_tokens REAL NOT NULL, request_updated_ms INTEGER NOT NULL,
        token_tokens REAL NOT NULL, token_updated_ms INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS leases (
        id TEXT PRIMARY KEY,
        expires_at_ms INTEGER NOT NULL,
        reserved_tokens INTEGER NOT NULL,
        day TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS daily_usage (
        day TEXT PRIMARY KEY,
        requests INTEGER NOT NULL DEFAULT 0,
        prompt_tokens INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        nfe INTEGER NOT NULL DEFAULT 0,
        charged_tokens INTEGER NOT NULL DEFAULT 0
      );
    `);
  }

  /** Sets the key's limits; a new key starts with full buckets. */
  configure(limits: KeyLimits): void {
    const now = Date.now();
    const existing = this.readState();
    if (existing === null) {
      this.sql.exec(
        "INSERT INTO state (id, limits, revoked_at, request_tokens, request_updated_ms, token_tokens, token_updated_ms) VALUES (1, ?, NULL, ?, ?, ?, ?)",
        JSON.stringify(limits), limits.requestsPerMinute, now, limits.tokensPerMinute, now,
      );
      return;
    }
    // Buckets keep their level, clipped to the new capacities.
    this.sql.exec(
      "UPDATE state SET limits = ?, request_tokens = MIN(request_tokens, ?), token_tokens = MIN(token_tokens, ?) WHERE id = 1",
      JSON.stringify(limits), limits.requestsPerMinute, limits.tokensPerMinute,
    );
  }

  /** Refuses every later admission at once. */
  revoke(): void {
    this.sql.exec("UPDATE state SET revoked_at = COALESCE(revoked_at, ?) WHERE id = 1", Date.now());
  }

  describe(): KeyState | null {
    const state = this.readState();
    if (state === null) return null;
    return { limits: JSON.parse(state.limits) as KeyLimits, revokedAt: state.revoked_at, activeLeases: this.activeLeaseCount(Date.now()) };
  }

  /**
   * Admits one generation that may use up to `reservedTokens` (prompt + max_tokens): checks every
   * limit first, then charges all of them, so a refused request costs nothing.
   */
  async admit(reservedTokens: number, leaseTtlMs: number): Promise<Admission> {
    const now = Date.now();
    const state = this.readState();
    if (state === null) return { admitted: false, reason: "unknown_key" };
    if (state.revoked_at !== null) return { admitted: false, reason: "revoked" };
    const limits = JSON.parse(state.limits) as KeyLimits;
    if (reservedTokens > limits.tokensPerMinute) {
      return { admitted: false, reason: "exceeds_tokens_per_minute", limit: limits.tokensPerMinute };
    }

    const requestShape: BucketShape = { capacity: limits.requestsPerMinute, refillMs: MINUTE_MS };
    const tokenShape: BucketShape = { capacity: limits.tokensPerMinute, refillMs: MINUTE_MS };
    const requests = refill({ tokens: state.request_tokens, updatedAtMs: state.request_updated_ms }, requestShape, now);
    const tokens = refill({ tokens: state.token_tokens, updatedAtMs: state.token_updated_ms }, tokenShape, now);

    if (requests.tokens < 1) {
      return this.refusal("requests_per_minute", msUntilAvailable(requests, requestShape, 1), requests, requestShape);
    }
    if (tokens.tokens < reservedTokens) {
      return this.refusal("tokens_per_minute", msUntilAvailable(tokens, tokenShape, reservedTokens), tokens, tokenShape);
    }
    const day = utcDay(now);
    const chargedToday = this.chargedTokensOn(day);
    if (chargedToday + reservedTokens > limits.tokensPerDay) {
      const msToMidnight = DAY_MS - (now % DAY_MS);
      return {
        admitted: false, reason: "tokens_per_day", retryAfterSeconds: secondsCeil(msToMidnight),
        state: { limit: limits.tokensPerDay, remaining: Math.max(0, limits.tokensPerDay - chargedToday), resetSeconds: secondsCeil(msToMidnight) },
      };
    }
    const activeLeases = this.activeLeaseCount(now);
    if (activeLeases >= limits.concurrentRequests) {
      // Leases end when their generation does, which nobody can predict: retrying soon is the honest hint.
      return {
        admitted: false, reason: "concurrent_requests", retryAfterSeconds: 1,
        state: { limit: limits.concurrentRequests, remaining: 0, resetSeconds: 1 },
      };
    }

    const leaseId = crypto.randomUUID();
    const expiresAt = now + leaseTtlMs;
    const requestsLeft = requests.tokens - 1;
    this.sql.exec(
      "UPDATE state SET request_tokens = ?, request_updated_ms = ?, token_tokens = ?, token_updated_ms = ? WHERE id = 1",
      requestsLeft, requests.updatedAtMs, tokens.tokens - reservedTokens, tokens.updatedAtMs,
    );
    this.sql.exec("INSERT INTO leases (id, expires_at_ms, reserved_tokens, day) VALUES (?, ?, ?, ?)", leaseId, expiresAt, reservedTokens, day);
    this.addDailyUsage(day, { chargedTokens: reservedTokens });
    await this.scheduleLeaseExpiry(expiresAt);
    const afterAdmission = { tokens: requestsLeft, updatedAtMs: requests.updatedAtMs };
    return {
      admitted: true, leaseId,
      requests: { limit: limits.requestsPerMinute, remaining: Math.floor(requestsLeft), resetSeconds: Math.ceil(msUntilFull(afterAdmission, requestShape) / 1000) },
    };
  }

  /**
   * Ends a generation: frees its lease, settles its token reservation down to what it is
   * charged, and meters its use. A lease the alarm already reclaimed keeps its full charge.
   */
  finish(leaseId: string, outcome: GenerationOutcome): void {
    const lease = this.sql
      .exec<{ reserved_tokens: number; day: string }>("SELECT reserved_tokens, day FROM leases WHERE id = ?", leaseId)
      .toArray()[0];
    const day = lease?.day ?? utcDay(Date.now());
    if (lease !== undefined) {
      this.sql.exec("DELETE FROM leases WHERE id = ?", leaseId);
      const refund = Math.max(0, lease.reserved_tokens - outcome.chargedTokens);
      this.sql.exec("UPDATE state SET token_tokens = token_tokens + ? WHERE id = 1", refund);
      this.addDailyUsage(day, { chargedTokens: -refund });
    }
    this.addDailyUsage(day, {
      requests: 1,
      promptTokens: outcome.usage?.promptTokens ?? 0,
      completionTokens: outcome.usage?.completionTokens ?? 0,
      nfe: outcome.usage?.nfe ?? 0,
    });
  }

  usage(): DailyUsage[] {
    return this.sql
      .exec<{ day: string; requests: number; prompt_tokens: number; completion_tokens: number; nfe: number; charged_tokens: number }>(
        "SELECT * FROM daily_usage ORDER BY day",
      )
      .toArray()
      .map((row) => ({
        day: row.day, requests: row.requests, promptTokens: row.prompt_tokens,
        completionTokens: row.completion_tokens, nfe: row.nfe, chargedTokens: row.charged_tokens,
      }));
  }

  /** Reclaims leases whose generation died without finishing (their tokens stay charged). */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.sql.exec("DELETE FROM leases WHERE expires_at_ms <= ?", now);
    const next = this.sql.exec<{ at: number | null }>("SELECT MIN(expires_at_ms) AS at FROM leases").one().at;
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  private refusal(reason: LimitName, waitMs: number, bucket: TokenBucket, shape: BucketShape): Admission {
    return {
      admitted: false, reason, retryAfterSeconds: secondsCeil(waitMs),
      state: { limit: shape.capacity, remaining: Math.floor(bucket.tokens), resetSeconds: Math.ceil(msUntilFull(bucket, shape) / 1000) },
    };
  }

  private readState(): StateRow | null {
    return this.sql.exec<StateRow>("SELECT * FROM state WHERE id = 1").toArray()[0] ?? null;
  }

  private activeLeaseCount(now: number): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM leases WHERE expires_at_ms > ?", now).one().n;
  }

  private chargedTokensOn(day: string): number {
    return this.sql.exec<{ charged: number }>("SELECT COALESCE(SUM(charged_tokens), 0) AS charged FROM daily_usage WHERE day = ?", day).one().charged;
  }

  private addDailyUsage(day: string, delta: Partial<Omit<DailyUsage, "day">>): void {
    this.sql.exec(
      `INSERT INTO daily_usage (day, requests, prompt_tokens, completion_tokens, nfe, charged_tokens) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (day) DO UPDATE SET requests = requests + excluded.requests, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
         completion_tokens = completion_tokens + excluded.completion_tokens, nfe = nfe + excluded.nfe,
         charged_tokens = charged_tokens + excluded.charged_tokens`,
      day, delta.requests ?? 0, delta.promptTokens ?? 0, delta.completionTokens ?? 0, delta.nfe ?? 0, delta.chargedTokens ?? 0,
    );
  }

  /** The alarm always sits at the earliest lease expiry (the input gate keeps this atomic). */
  private async scheduleLeaseExpiry(expiresAt: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || expiresAt < current) await this.ctx.storage.setAlarm(expiresAt);
  }
}
