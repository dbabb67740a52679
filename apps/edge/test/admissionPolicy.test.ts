import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AdmissionRequest, type LimiterState, admit, alarmFor, configure, revoke, settle,
} from "../src/limits/admissionPolicy.js";
import type { KeyLimits } from "../src/limits/keyLimits.js";

/** The pure policy behind the KeyLimiter Durable Object, driven with explicit times and counts. */

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const generous: KeyLimits = { requestsPerMinute: 1000, tokensPerMinute: 1_000_000, concurrentRequests: 100, tokensPerDay: 10_000_000 };
const fresh = (limits: Partial<KeyLimits> = {}): LimiterState => configure(null, { ...generous, ...limits }, T0);
const request = (change: Partial<AdmissionRequest> = {}): AdmissionRequest =>
  ({ reservedTokens: 1, leaseTtlMs: 60_000, nowMs: T0, chargedToday: 0, activeLeases: 0, ...change });

/** Admits `count` requests one after another at `nowMs`, keeping each admission's state. */
const admitMany = (state: LimiterState, count: number, change: Partial<AdmissionRequest> = {}) => {
  let current = state;
  let admitted = 0;
  for (let i = 0; i < count; i++) {
    const decision = admit(current, request(change));
    if (decision.admitted) {
      current = decision.state;
      admitted++;
    }
  }
  return { state: current, admitted };
};

describe("admission policy", () => {
  it("refuses unknown and revoked keys, and a reservation larger than the minute's capacity", () => {
    expect(admit(null, request())).toEqual({ admitted: false, reason: "unknown_key" });
    expect(admit(revoke(fresh(), T0), request())).toEqual({ admitted: false, reason: "revoked" });
    expect(admit(fresh({ tokensPerMinute: 100 }), request({ reservedTokens: 101 })))
      .toEqual({ admitted: false, reason: "exceeds_tokens_per_minute", limit: 100 });
  });

  it("admits exactly requestsPerMinute at one instant, then says when the next request fits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 60 }), (rpm, extra) => {
        const { state, admitted } = admitMany(fresh({ requestsPerMinute: rpm }), rpm + extra);
        expect(admitted).toBe(rpm);
        expect(admit(state, request())).toMatchObject({
          admitted: false, reason: "requests_per_minute", retryAfterSeconds: Math.max(1, Math.ceil(60 / rpm)),
          state: { limit: rpm, remaining: 0 },
        });
      }),
    );
  });

  it("refills the request bucket continuously: one request per 60/rpm seconds", () => {
    const { state } = admitMany(fresh({ requestsPerMinute: 5 }), 5);
    expect(admit(state, request({ nowMs: T0 + 11_999 }))).toMatchObject({ admitted: false, retryAfterSeconds: 1 });
    expect(admit(state, request({ nowMs: T0 + 12_000 }))).toMatchObject({ admitted: true, requests: { limit: 5, remaining: 0, resetSeconds: 60 } });
  });

  it("reports what is left of the request bucket on admission", () => {
    expect(admit(fresh({ requestsPerMinute: 5 }), request())).toMatchObject({ admitted: true, requests: { limit: 5, remaining: 4, resetSeconds: 12 } });
  });

  it("charges the reservation against tokensPerMinute and today's total, and leases until now + ttl", () => {
    const decision = admit(fresh({ tokensPerMinute: 100 }), request({ reservedTokens: 60, leaseTtlMs: 5_000 }));
    if (!decision.admitted) throw new Error("expected an admission");
    expect(decision.state.tokens).toEqual({ tokens: 40, updatedAtMs: T0 });
    expect(decision.lease).toEqual({ reservedTokens: 60, day: "2026-01-15", expiresAtMs: T0 + 5_000 });
    expect(decision.charge).toEqual({ requests: 0, promptTokens: 0, completionTokens: 0, nfe: 0, chargedTokens: 60 });
    // 40 left; 60 needs 20 more at 100 per minute: 12 s.
    expect(admit(decision.state, request({ reservedTokens: 60 }))).toMatchObject({ admitted: false, reason: "tokens_per_minute", retryAfterSeconds: 12 });
  });

  it("refuses past the daily quota until UTC midnight, saying what is left", () => {
    expect(admit(fresh({ tokensPerDay: 50 }), request({ reservedTokens: 30, chargedToday: 30 }))).toEqual({
      admitted: false, reason: "tokens_per_day", retryAfterSeconds: 43_200,
      state: { limit: 50, remaining: 20, resetSeconds: 43_200 },
    });
    expect(admit(fresh({ tokensPerDay: 50 }), request({ reservedTokens: 20, chargedToday: 30 }))).toMatchObject({ admitted: true });
  });

  it("refuses once concurrentRequests leases are live, with a retry hint of one second", () => {
    expect(admit(fresh({ concurrentRequests: 2 }), request({ activeLeases: 2 }))).toEqual({
      admitted: false, reason: "concurrent_requests", retryAfterSeconds: 1, state: { limit: 2, remaining: 0, resetSeconds: 1 },
    });
    expect(admit(fresh({ concurrentRequests: 2 }), request({ activeLeases: 1 }))).toMatchObject({ admitted: true });
  });

  it("checks in order: requests, then tokens, then the day, then concurrency", () => {
    const { state } = admitMany(fresh({ requestsPerMinute: 1, tokensPerMinute: 10, tokensPerDay: 10, concurrentRequests: 1 }), 1, { reservedTokens: 10 });
    const everythingSpent = request({ reservedTokens: 10, chargedToday: 10, activeLeases: 1 });
    expect(admit(state, everythingSpent)).toMatchObject({ reason: "requests_per_minute" });
    expect(admit(state, { ...everythingSpent, nowMs: T0 + 60_000 })).toMatchObject({ reason: "tokens_per_day" });
    expect(admit(fresh({ tokensPerDay: 10, concurrentRequests: 1 }), everythingSpent)).toMatchObject({ reason: "tokens_per_day" });
    expect(admit(fresh({ concurrentRequests: 1 }), everythingSpent)).toMatchObject({ reason: "concurrent_requests" });
  });

  it("settles a reservation down to its charge: the bucket and the day lose exactly what was charged", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 2000 }), (reserved, charged) => {
        const start = fresh({ tokensPerMinute: 1000 });
        const decision = admit(start, request({ reservedTokens: reserved }));
        if (!decision.admitted) throw new Error("expected an admission");
        const usage = { promptTokens: 3, completionTokens: 4, nfe: 5 };
        const settlement = settle(decision.state, decision.lease, { usage, chargedTokens: charged }, T0 + 1);
        const paid = Math.min(reserved, charged);
        expect(settlement.state?.tokens.tokens).toBe(1000 - paid);
        expect(settlement.day).toBe("2026-01-15");
        expect(decision.charge.chargedTokens + settlement.usage.chargedTokens).toBe(paid);
        expect(settlement.usage).toMatchObject({ requests: 1, ...usage });
      }),
    );
  });

  it("keeps the full charge of a lease already reclaimed, metering on the day of settlement", () => {
    const state = fresh();
    const settlement = settle(state, null, { usage: null, chargedTokens: 0 }, T0 + 86_400_000);
    expect(settlement.state).toBe(state);
    expect(settlement.day).toBe("2026-01-16");
    expect(settlement.usage).toEqual({ requests: 1, promptTokens: 0, completionTokens: 0, nfe: 0, chargedTokens: -0 });
  });

  it("reconfiguring keeps bucket levels, clipped to the new capacities, and the revocation", () => {
    const { state } = admitMany(fresh({ requestsPerMinute: 10, tokensPerMinute: 100 }), 3, { reservedTokens: 10 });
    const revoked = revoke(state, T0 + 1);
    const raised = configure(revoked, { ...generous, requestsPerMinute: 20, tokensPerMinute: 200 }, T0 + 2);
    expect(raised).toMatchObject({ revokedAtMs: T0 + 1, requests: { tokens: 7, updatedAtMs: T0 }, tokens: { tokens: 70, updatedAtMs: T0 } });
    const lowered = configure(revoked, { ...generous, requestsPerMinute: 2, tokensPerMinute: 50 }, T0 + 2);
    expect(lowered).toMatchObject({ requests: { tokens: 2 }, tokens: { tokens: 50 } });
    expect(revoke(revoked, T0 + 5).revokedAtMs).toBe(T0 + 1);
  });

  it("a refusal leaves nothing to store: the same request later decides as if it never happened", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 30 }), (rpm, refusedTries) => {
        const { state } = admitMany(fresh({ requestsPerMinute: rpm }), rpm + refusedTries);
        expect(admit(state, request({ nowMs: T0 + 60_000 }))).toEqual(admit(admitMany(fresh({ requestsPerMinute: rpm }), rpm).state, request({ nowMs: T0 + 60_000 })));
      }),
    );
  });

  it("keeps the lease alarm at the earliest expiry", () => {
    expect(alarmFor(null, 5)).toBe(5);
    expect(alarmFor(3, 5)).toBe(3);
    expect(alarmFor(7, 5)).toBe(5);
  });
});
