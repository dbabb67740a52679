import { describe, expect, it } from "vitest";
import { createKey, env, post, recordedFor, uniqueId } from "./support/edge.js";
import { BUSY_RETRY_AFTER_SECONDS } from "./support/fakeOrigins.js";

const completion = { model: "unmask-ar", prompt: "Hello", max_tokens: 4 };

describe("forwarding to the worker pool", () => {
  it("signs each request so the worker (verifying independently, with node:crypto) accepts it", async () => {
    const { key } = await createKey();
    const requestId = uniqueId();
    expect((await post("/v1/completions", key, completion, {}, requestId)).response.status).toBe(200);
    const [recorded] = await recordedFor(requestId);
    expect(recorded).toMatchObject({ path: "/v1/generate", signatureValid: true, requestId });
  });

  it("signs every request with its own nonce, so identical concurrent requests are all accepted", async () => {
    const { key } = await createKey();
    const ids = [uniqueId(), uniqueId(), uniqueId()];
    const calls = await Promise.all(ids.map((requestId) => post("/v1/completions", key, completion, {}, requestId)));
    expect(calls.map(({ response }) => response.status)).toEqual([200, 200, 200]);
    const recorded = (await Promise.all(ids.map(recordedFor))).flat();
    expect(recorded.every((request) => request.signatureValid)).toBe(true);
    expect(new Set(recorded.map((request) => request.nonce)).size).toBe(3);
  });

  it("fails over past a worker that accepts the connection but never answers, after the per-origin deadline", async () => {
    const { key } = await createKey();
    const origins = `${env.FAKE_ORIGINS.silent},${env.FAKE_ORIGINS.healthy}`;
    const { response } = await post("/v1/completions", key, completion, { WORKER_ORIGINS: origins, ORIGIN_RESPONSE_TIMEOUT_MS: 300 });
    expect(response.status).toBe(200);
  });

  it("then stops sending to that worker for its cool-down (a long deadline is not waited out again)", async () => {
    const { key } = await createKey();
    const origins = `${env.FAKE_ORIGINS.silent},${env.FAKE_ORIGINS.healthy}`;
    expect((await post("/v1/completions", key, completion, { WORKER_ORIGINS: origins, ORIGIN_RESPONSE_TIMEOUT_MS: 300 })).response.status).toBe(200);
    // Tried first again, the silent worker would hold this request for 60 s, past the test's timeout.
    const { response } = await post("/v1/completions", key, completion, { WORKER_ORIGINS: origins, ORIGIN_RESPONSE_TIMEOUT_MS: 60_000 });
    expect(response.status).toBe(200);
  });

  it("answers 504 when the only worker never answers, once its deadline has passed", async () => {
    const { key } = await createKey();
    const { response } = await post("/v1/completions", key, completion, { WORKER_ORIGINS: env.FAKE_ORIGINS.silent, ORIGIN_RESPONSE_TIMEOUT_MS: 300 });
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: { code: "upstream_timeout", message: "No GPU worker answered within 300 ms." } });
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
