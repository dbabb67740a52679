import { describe, expect, it } from "vitest";
import { adminHeaders, callEdge, createKey, env, post } from "./support/edge.js";

const admin = (path: string, init: RequestInit = {}, overrides: Partial<Cloudflare.Env> = {}) =>
  callEdge(path, { ...init, headers: adminHeaders }, overrides);

describe("key management API", () => {
  it("refuses a missing or wrong admin secret with 401", async () => {
    for (const headers of [{}, { Authorization: "Bearer wrong" }, { Authorization: `Bearer ${env.ADMIN_SECRET}x` }]) {
      const { response } = await callEdge("/admin/keys", { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: "invalid_admin_secret" } });
    }
  });

  it("is disabled, with 503, when no admin secret is configured", async () => {
    const { response } = await admin("/admin/keys", {}, { ADMIN_SECRET: "" });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: "admin_disabled" } });
  });

  it("creates a key with default limits, shows it once, and lists it without secrets", async () => {
    const { response } = await admin("/admin/keys", { method: "POST", body: JSON.stringify({ name: "alice" }) });
    expect(response.status).toBe(201);
    const created = await response.json<{ id: string; key: string; limits: unknown }>();
    expect(created.key).toMatch(new RegExp(`^umk_${created.id}_[A-Za-z0-9_-]{43}$`));
    expect(created.limits).toEqual(env.DEFAULT_KEY_LIMITS);

    const listing = await (await admin("/admin/keys")).response.text();
    expect(listing).toContain(created.id);
    expect(listing).not.toContain(created.key);
    expect(listing).not.toContain("hash");
    const one = await (await admin(`/admin/keys/${created.id}`)).response.json();
    expect(one).toEqual({ id: created.id, name: "alice", createdAt: expect.any(String), revokedAt: null, limits: created.limits, activeRequests: 0 });
  });

  it("changes a key's limits at once", async () => {
    const { id, key } = await createKey({ requestsPerMinute: 1 });
    expect((await post("/v1/completions", key, { model: "unmask-ar", prompt: "a", max_tokens: 2 })).response.status).toBe(200);
    expect((await post("/v1/completions", key, { model: "unmask-ar", prompt: "a", max_tokens: 2 })).response.status).toBe(429);
    const { response } = await admin(`/admin/keys/${id}`, { method: "PATCH", body: JSON.stringify({ limits: { tokensPerDay: 500 } }) });
    expect(await response.json()).toMatchObject({ limits: { requestsPerMinute: 1, tokensPerDay: 500 } });
  });

  it("revokes a key", async () => {
    const { id, key } = await createKey();
    const { response } = await admin(`/admin/keys/${id}/revoke`, { method: "POST" });
    expect(await response.json()).toMatchObject({ id, revokedAt: expect.any(String) });
    expect((await post("/v1/completions", key, { model: "unmask-ar", prompt: "a", max_tokens: 2 })).response.status).toBe(401);
  });

  it("meters usage per key after the response (waitUntil)", async () => {
    const { id, key } = await createKey();
    const first = await post("/v1/completions", key, { model: "unmask-diffusion", prompt: "Once", max_tokens: 32 });
    const { usage } = await first.response.json<{ usage: { prompt_tokens: number; completion_tokens: number; nfe: number } }>();
    await first.settled();
    const streamed = await post("/v1/generate", key, { prompt: "Once", mode: "diffusion", maxTokens: 32, stream: true });
    await streamed.response.text();
    await streamed.settled();
    const { response } = await admin(`/admin/keys/${id}/usage`);
    const report = await response.json<{ days: unknown[]; total: Record<string, number> }>();
    expect(report.days).toHaveLength(1);
    expect(report.total).toEqual({
      requests: 2,
      promptTokens: 2 * usage.prompt_tokens,
      completionTokens: 2 * usage.completion_tokens,
      nfe: 2 * usage.nfe,
      chargedTokens: 2 * (usage.prompt_tokens + usage.completion_tokens),
    });
  });

  it.each([
    ["an unknown id", "/admin/keys/0123456789abcdef", 404, "key_not_found"],
    ["a malformed id", "/admin/keys/..%2F", 404, "key_not_found"],
  ])("answers %s with 404", async (_name, path, status, code) => {
    const { response } = await admin(path);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code } });
  });

  it("validates key creation", async () => {
    const { response } = await admin("/admin/keys", { method: "POST", body: JSON.stringify({ name: "", limits: { requestsPerMinute: 0 } }) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_parameter", field: "name" } });
  });
});
