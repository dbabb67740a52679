import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { KeyLimits } from "../src/limits/keyLimits.js";
import { createKey, env, post } from "./support/edge.js";

const generous: KeyLimits = { requestsPerMinute: 1000, tokensPerMinute: 1_000_000, concurrentRequests: 100, tokensPerDay: 10_000_000 };

const limiterWith = async (limits: Partial<KeyLimits>) => {
  const limiter = env.KEY_LIMITER.getByName(crypto.randomUUID());
  await limiter.configure({ ...generous, ...limits });
  return limiter;
};

const LEASE_MS = 60_000;
const completion = { model: "unmask-ar", prompt: "Hello", max_tokens: 4 };

describe("KeyLimiter Durable Object", () => {
  it("admits exactly requestsPerMinute of many concurrent requests", async () => {
    const limiter = await limiterWith({ requestsPerMinute: 5 });
    const admissions = await Promise.all(Array.from({ length: 20 }, () => limiter.admit(1, LEASE_MS)));
    expect(admissions.filter((admission) => admission.admitted)).toHaveLength(5);
    const refused = admissions.find((admission) => !admission.admitted);
    // 5 per minute refill one request every 12 s.
    expect(refused).toMatchObject({ reason: "requests_per_minute", retryAfterSeconds: 12, state: { limit: 5, remaining: 0 } });
  });

  it("charges prompt + max tokens against tokensPerMinute and says when enough is back", async () => {
    const limiter = await limiterWith({ tokensPerMinute: 100 });
    expect(await limiter.admit(60, LEASE_MS)).toMatchObject({ admitted: true });
    // 40 left; 60 needs 20 more at 100 per minute: 12 s.
    expect(await limiter.admit(60, LEASE_MS)).toMatchObject({ admitted: false, reason: "tokens_per_minute", retryAfterSeconds: 12 });
    expect(await limiter.admit(101, LEASE_MS)).toEqual({ admitted: false, reason: "exceeds_tokens_per_minute", limit: 100 });
  });

  it("refunds a reservation down to the measured use", async () => {
    const limiter = await limiterWith({ tokensPerMinute: 100 });
    const first = await limiter.admit(90, LEASE_MS);
    if (!first.admitted) throw new Error("not admitted");
    await limiter.finish(first.leaseId, { usage: { promptTokens: 5, completionTokens: 5, nfe: 5 }, chargedTokens: 10 });
    expect(await limiter.admit(85, LEASE_MS)).toMatchObject({ admitted: true });
    const [today] = await limiter.usage();
    expect(today).toMatchObject({ requests: 1, promptTokens: 5, completionTokens: 5, nfe: 5, chargedTokens: 95 });
  });

  it("enforces the daily token quota until UTC midnight", async () => {
    const limiter = await limiterWith({ tokensPerDay: 50 });
    expect(await limiter.admit(30, LEASE_MS)).toMatchObject({ admitted: true });
    const refusal = await limiter.admit(30, LEASE_MS);
    const secondsToMidnight = Math.ceil((86_400_000 - (Date.now() % 86_400_000)) / 1000);
    expect(refusal).toMatchObject({ admitted: false, reason: "tokens_per_day", state: { limit: 50, remaining: 20 } });
    if (refusal.admitted || !("retryAfterSeconds" in refusal)) throw new Error("expected a refusal");
    expect(Math.abs(refusal.retryAfterSeconds - secondsToMidnight)).toBeLessThanOrEqual(2);
  });

  it("leases concurrent generations, released by finish", async () => {
    const limiter = await limiterWith({ concurrentRequests: 2 });
    const [a, b, c] = await Promise.all([limiter.admit(1, LEASE_MS), limiter.admit(1, LEASE_MS), limiter.admit(1, LEASE_MS)]);
    expect([a, b, c].filter((admission) => admission?.admitted)).toHaveLength(2);
    expect(c).toMatchObject({ admitted: false, reason: "concurrent_requests", retryAfterSeconds: 1 });
    if (!a?.admitted) throw new Error("not admitted");
    await limiter.finish(a.leaseId, { usage: null, chargedTokens: 1 });
    expect(await limiter.admit(1, LEASE_MS)).toMatchObject({ admitted: true });
  });

  it("reclaims, by alarm, a lease whose generation never finished", async () => {
    const limiter = await limiterWith({ concurrentRequests: 1 });
    // long enough that the refusal below still sees the lease on a loaded machine
    expect(await limiter.admit(1, 3_000)).toMatchObject({ admitted: true });
    expect(await limiter.admit(1, LEASE_MS)).toMatchObject({ admitted: false, reason: "concurrent_requests" });
    const leaseRows = () => runInDurableObject(limiter, (_instance, state) => state.storage.sql.exec("SELECT id FROM leases").toArray().length);
    expect(await leaseRows()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    await runDurableObjectAlarm(limiter); // runs it now unless it already fired on time
    expect(await leaseRows()).toBe(0);
    expect(await limiter.admit(1, LEASE_MS)).toMatchObject({ admitted: true });
  }, 30_000);

  it("refuses every admission once revoked, and knows nothing of unconfigured keys", async () => {
    const limiter = await limiterWith({});
    await limiter.revoke();
    expect(await limiter.admit(1, LEASE_MS)).toEqual({ admitted: false, reason: "revoked" });
    expect(await env.KEY_LIMITER.getByName(crypto.randomUUID()).admit(1, LEASE_MS)).toEqual({ admitted: false, reason: "unknown_key" });
  });
});

describe("limits over HTTP", () => {
  it("answers over-limit requests with 429, Retry-After and RateLimit-* headers, exactly", async () => {
    const { key } = await createKey({ requestsPerMinute: 3 });
    const calls = await Promise.all(Array.from({ length: 8 }, () => post("/v1/completions", key, completion)));
    const statuses = calls.map(({ response }) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    const limited = calls.find(({ response }) => response.status === 429)!.response;
    expect(limited.headers.get("Retry-After")).toBe("20");
    expect(limited.headers.get("RateLimit-Limit")).toBe("3");
    expect(limited.headers.get("RateLimit-Remaining")).toBe("0");
    expect(Number(limited.headers.get("RateLimit-Reset"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({
      error: { code: "rate_limited", type: "rate_limit_error", message: "This key is over its requests-per-minute limit. Retry after 20 s." },
    });
    const admitted = calls.find(({ response }) => response.status === 200)!.response;
    expect(admitted.headers.get("RateLimit-Limit")).toBe("3");
  });

  it("refuses a request that could never fit the key's tokens per minute with 400", async () => {
    const { key } = await createKey({ tokensPerMinute: 10 });
    const { response } = await post("/v1/completions", key, { ...completion, max_tokens: 64 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "request_exceeds_token_limit", field: "max_tokens" } });
  });

  it("answers a used-up daily quota with 429 quota_exceeded", async () => {
    const { key } = await createKey({ tokensPerDay: 20 });
    expect((await post("/v1/completions", key, { ...completion, max_tokens: 16 })).response.status).toBe(200);
    const { response } = await post("/v1/completions", key, { ...completion, max_tokens: 16 });
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ error: { code: "quota_exceeded" } });
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
  });

  it("holds a lease while a stream runs and frees it when the client cancels", async () => {
    const { key, id } = await createKey({ concurrentRequests: 1 });
    const streaming = await post("/v1/completions", key, { ...completion, prompt: "[[slow]] Hello", stream: true });
    expect(streaming.response.status).toBe(200);
    const second = await post("/v1/completions", key, completion);
    expect(second.response.status).toBe(429);
    expect(await second.response.json()).toMatchObject({ error: { code: "too_many_concurrent_requests" } });
    const reader = streaming.response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await streaming.settled();
    expect((await env.KEY_LIMITER.getByName(id).describe())?.activeLeases).toBe(0);
    expect((await post("/v1/completions", key, completion)).response.status).toBe(200);
  });

  it("frees a stream's lease when the stream completes", async () => {
    const { key, id } = await createKey({ concurrentRequests: 1 });
    const streaming = await post("/v1/completions", key, { ...completion, stream: true });
    await streaming.response.text();
    await streaming.settled();
    expect((await env.KEY_LIMITER.getByName(id).describe())?.activeLeases).toBe(0);
  });
});
