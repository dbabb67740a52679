import { DurableObject } from "cloudflare:workers";
import {
  type Admission, type DailyUsage, type GenerationOutcome, type KeyState, type Lease, type LimiterState, type UsageDelta,
  admit, alarmFor, configure, revoke, settle, utcDay,
} from "./admissionPolicy.js";
import type { KeyLimits } from "./keyLimits.js";

interface StateRow extends Record<string, SqlStorageValue> {
  limits: string;
  revoked_at: number | null;
  request_tokens: number;
  request_updated_ms: number;
  token_tokens: number;
  token_updated_ms: number;
}

/**
 * The exact limiter of one API key (one object per key, SQLite-backed): loads the key's state,
 * lets `admissionPolicy.ts` decide, and stores the result. Every method runs synchronously
 * against its own storage between load and save, so concurrent requests see exact counts.
 * It needs no bindings, hence `unknown` for its env.
 */
export class KeyLimiter extends DurableObject<unknown> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: unknown) {
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
    this.saveState(configure(this.loadState(), limits, Date.now()));
  }

  /** Refuses every later admission at once. */
  revoke(): void {
    const state = this.loadState();
    if (state !== null) this.saveState(revoke(state, Date.now()));
  }

  describe(): KeyState | null {
    const state = this.loadState();
    if (state === null) return null;
    return { limits: state.limits, revokedAt: state.revokedAtMs, activeLeases: this.liveLeaseCount(Date.now()) };
  }

  /** Admits one generation that may use up to `reservedTokens` (prompt + max_tokens), holding a lease for `leaseTtlMs`. */
  async admit(reservedTokens: number, leaseTtlMs: number): Promise<Admission> {
    const nowMs = Date.now();
    const decision = admit(this.loadState(), {
      reservedTokens, leaseTtlMs, nowMs,
      chargedToday: this.chargedTokensOn(utcDay(nowMs)),
      activeLeases: this.liveLeaseCount(nowMs),
    });
    if (!decision.admitted) return decision;
    const leaseId = crypto.randomUUID();
    const { lease } = decision;
    this.saveState(decision.state);
    this.sql.exec(
      "INSERT INTO leases (id, expires_at_ms, reserved_tokens, day) VALUES (?, ?, ?, ?)",
      leaseId, lease.expiresAtMs, lease.reservedTokens, lease.day,
    );
    this.addDailyUsage(lease.day, decision.charge);
    await this.scheduleLeaseExpiry(lease.expiresAtMs);
    return { admitted: true, leaseId, requests: decision.requests };
  }

  /**
   * Ends a generation: frees its lease, settles its token reservation down to what it is
   * charged, and meters its use. A lease the alarm already reclaimed keeps its full charge.
   */
  finish(leaseId: string, outcome: GenerationOutcome): void {
    const lease = this.loadLease(leaseId);
    const state = this.loadState();
    const settlement = settle(state, lease, outcome, Date.now());
    if (lease !== null) this.sql.exec("DELETE FROM leases WHERE id = ?", leaseId);
    if (settlement.state !== null && settlement.state !== state) this.saveState(settlement.state);
    this.addDailyUsage(settlement.day, settlement.usage);
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
    this.sql.exec("DELETE FROM leases WHERE expires_at_ms <= ?", Date.now());
    const next = this.sql.exec<{ at: number | null }>("SELECT MIN(expires_at_ms) AS at FROM leases").one().at;
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  private loadState(): LimiterState | null {
    const row = this.sql.exec<StateRow>("SELECT * FROM state WHERE id = 1").toArray()[0];
    return row === undefined ? null : {
      limits: JSON.parse(row.limits) as KeyLimits,
      revokedAtMs: row.revoked_at,
      requests: { tokens: row.request_tokens, updatedAtMs: row.request_updated_ms },
      tokens: { tokens: row.token_tokens, updatedAtMs: row.token_updated_ms },
    };
  }

  private saveState(state: LimiterState): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO state (id, limits, revoked_at, request_tokens, request_updated_ms, token_tokens, token_updated_ms)
       VALUES (1, ?, ?, ?, ?, ?, ?)`,
      JSON.stringify(state.limits), state.revokedAtMs,
      state.requests.tokens, state.requests.updatedAtMs, state.tokens.tokens, state.tokens.updatedAtMs,
    );
  }

  private loadLease(leaseId: string): Lease | null {
    const row = this.sql
      .exec<{ reserved_tokens: number; day: string; expires_at_ms: number }>(
        "SELECT reserved_tokens, day, expires_at_ms FROM leases WHERE id = ?", leaseId,
      )
      .toArray()[0];
    return row === undefined ? null : { reservedTokens: row.reserved_tokens, day: row.day, expiresAtMs: row.expires_at_ms };
  }

  /** A lease counts against concurrency until it expires. */
  private liveLeaseCount(nowMs: number): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM leases WHERE expires_at_ms > ?", nowMs).one().n;
  }

  private chargedTokensOn(day: string): number {
    return this.sql.exec<{ charged: number }>("SELECT COALESCE(SUM(charged_tokens), 0) AS charged FROM daily_usage WHERE day = ?", day).one().charged;
  }

  private addDailyUsage(day: string, delta: UsageDelta): void {
    this.sql.exec(
      `INSERT INTO daily_usage (day, requests, prompt_tokens, completion_tokens, nfe, charged_tokens) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (day) DO UPDATE SET requests = requests + excluded.requests, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
         completion_tokens = completion_tokens + excluded.completion_tokens, nfe = nfe + excluded.nfe,
         charged_tokens = charged_tokens + excluded.charged_tokens`,
      day, delta.requests, delta.promptTokens, delta.completionTokens, delta.nfe, delta.chargedTokens,
    );
  }

  /** The alarm always sits at the earliest lease expiry (the input gate keeps this atomic). */
  private async scheduleLeaseExpiry(expiresAtMs: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    const next = alarmFor(current, expiresAtMs);
    if (next !== current) await this.ctx.storage.setAlarm(next);
  }
}
