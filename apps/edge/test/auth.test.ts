import { describe, expect, it } from "vitest";
import { adminHeaders, callEdge, createKey, env } from "./support/edge.js";
import { sha256Hex } from "../src/keys/digest.js";

const modelsWith = (authorization?: string, overrides: Partial<Cloudflare.Env> = {}) =>
  callEdge("/v1/models", { headers: authorization === undefined ? {} : { Authorization: authorization } }, overrides);

const UNIFORM_401 = { error: { code: "invalid_api_key", message: "Invalid or missing API key.", type: "authentication_error" } };

describe("API key authentication", () => {
  it("accepts a created key", async () => {
    const { key } = await createKey();
    const { response } = await modelsWith(`Bearer ${key}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ object: "list", data: [{ id: "unmask-diffusion", kind: "diffusion" }, { id: "unmask-diffusion-fast", kind: "diffusion" }, { id: "unmask-ar", kind: "ar" }] });
  });

  it("gives the same 401 for missing, malformed, unknown, wrong and revoked keys", async () => {
    const { key, id } = await createKey();
    const revoked = await createKey();
    await callEdge(`/admin/keys/${revoked.id}/revoke`, { method: "POST", headers: adminHeaders });
    const wrongSecret = `umk_${id}_${"A".repeat(43)}`;
    const unknownId = key.replace(id, "0123456789abcdef");
    const attempts = [undefined, "Basic abc", "Bearer", "Bearer not-a-key", `Bearer ${wrongSecret}`, `Bearer ${unknownId}`, `Bearer ${revoked.key}`, `bearer ${key}`];
    for (const authorization of attempts) {
      const { response } = await modelsWith(authorization);
      expect(response.status, String(authorization)).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toBe("Bearer");
      expect(await response.json()).toEqual(UNIFORM_401);
    }
  });

  it("stores only the key's SHA-256 hash", async () => {
    const { key, id } = await createKey();
    const stored = await env.API_KEYS.get(`key:${id}`);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(-43));
    expect(JSON.parse(stored!)).toMatchObject({ hashHex: await sha256Hex(key) });
  });

  it("refuses a key revoked in its Durable Object at once, before KV knows", async () => {
    const { key, id } = await createKey();
    expect((await callEdge("/v1/completions", {
      method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify({ model: "unmask-ar", prompt: "Hi", max_tokens: 4 }),
    })).response.status).toBe(200);
    await env.KEY_LIMITER.getByName(id).revoke(); // KV still says the key is active
    const { response } = await callEdge("/v1/completions", {
      method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify({ model: "unmask-ar", prompt: "Hi", max_tokens: 4 }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(UNIFORM_401);
  });

  it("puts the IP rate-limit binding in front of authentication", async () => {
    const tight = { IP_RATE_LIMITER: env.TIGHT_IP_RATE_LIMITER };
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const { response } = await callEdge("/v1/models", { headers: { Authorization: "Bearer nope", "CF-Connecting-IP": "203.0.113.9" } }, tight);
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers.get("Retry-After")).toBe("60");
        expect(await response.json()).toMatchObject({ error: { code: "ip_rate_limited" } });
      }
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // Another address is not affected.
    expect((await callEdge("/v1/models", { headers: { "CF-Connecting-IP": "203.0.113.10" } }, tight)).response.status).toBe(401);
  });
});
