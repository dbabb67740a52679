import { describe, expect, it } from "vitest";
import { createKey, env, post, recordedFor, uniqueId } from "./support/edge.js";
import { BUSY_RETRY_AFTER_SECONDS } from "./support/fake-origins.js";

const completion = { model: "unmask-ar", prompt: "Hello", max_tokens: 4 };

describe("forwarding to the worker pool", () => {
  it("signs each request so the worker (verifying independently, with node:crypto) accepts it", async () => {
    const { key } = await createKey();
    const requestId = uniqueId();
    expect((await post("/v1/completions", key, completion, {}, requestId)).response.status).toBe(200);
    const [recorded] = await recordedFor(requestId);
    expect(recorded).toMatchObject({ path: "/v1/generate", signatureValid: true, requestId });
  });

  it("fails over when the first origin refuses connections", async () => {
    const { key } = await createKey();
    const requestId = uniqueId();
    const origins = `${env.FAKE_ORIGINS.refused},${env.FAKE_ORIGINS.healthy}`;
    const { response } = await post("/v1/completions", key, completion, { WORKER_ORIGINS: origins }, requestId);
    expect(response.status).toBe(200);
    expect(await recordedFor(requestId)).toHaveLength(1);
  });

  it("fails over when the first origin answers 503", async () => {
    const { key } = await createKey();
    const origins = `${env.FAKE_ORIGINS.busy},${env.FAKE_ORIGINS.healthy}`;
    expect((await post("/v1/completions", key, completion, { WORKER_ORIGINS: origins })).response.status).toBe(200);
  });

  it("answers 503 with the workers' Retry-After when every origin is busy", async () => {
    const { key } = await createKey();
    const { response } = await post("/v1/completions", key, completion, { WORKER_ORIGINS: env.FAKE_ORIGINS.busy });
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe(String(BUSY_RETRY_AFTER_SECONDS));
    expect(await response.json()).toMatchObject({ error: { code: "upstream_busy" } });
  });

  it("answers 502 when no origin can be reached, and charges the key nothing", async () => {
    const { key, id } = await createKey();
    const call = await post("/v1/completions", key, completion, { WORKER_ORIGINS: env.FAKE_ORIGINS.refused });
    expect(call.response.status).toBe(502);
    expect(await call.response.json()).toMatchObject({ error: { code: "upstream_unavailable" } });
    await call.settled();
    const [today] = await env.KEY_LIMITER.getByName(id).usage();
    expect(today).toMatchObject({ requests: 1, chargedTokens: 0 });
  });

  it("treats a worker that rejects the edge's signature as unavailable", async () => {
    const { key } = await createKey();
    const { response } = await post("/v1/completions", key, completion, { WORKER_SIGNING_SECRET: "a-different-secret" });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { code: "upstream_unavailable" } });
  });
});
