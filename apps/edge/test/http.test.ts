import { describe, expect, it } from "vitest";
import { callEdge, createKey, keyHeaders } from "./support/edge.js";

describe("HTTP surface", () => {
  it("GET /healthz answers without a key, with a request id and secure headers", async () => {
    const { response } = await callEdge("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Strict-Transport-Security")).toContain("max-age");
  });

  it("echoes a client's X-Request-Id", async () => {
    const { response } = await callEdge("/healthz", { headers: { "X-Request-Id": "client-chosen-id-42" } });
    expect(response.headers.get("X-Request-Id")).toBe("client-chosen-id-42");
  });

  it("answers CORS preflights only for allow-listed origins", async () => {
    const preflight = (origin: string) =>
      callEdge("/v1/completions", {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
      });
    const allowed = (await preflight("http://localhost:8787")).response;
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:8787");
    expect(allowed.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("authorization");
    const refused = (await preflight("https://evil.example")).response;
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("exposes rate-limit and request-id headers to allowed browser origins", async () => {
    const { response } = await callEdge("/healthz", { headers: { Origin: "http://localhost:8787" } });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:8787");
    expect(response.headers.get("Access-Control-Expose-Headers")).toContain("Retry-After");
  });

  it("answers unknown routes with a JSON 404", async () => {
    const { response } = await callEdge("/v2/nothing");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found", message: "There is no GET /v2/nothing." } });
  });

  it("refuses bodies over 64 KiB with 413", async () => {
    const { key } = await createKey();
    const { response } = await callEdge("/v1/completions", {
      method: "POST", headers: keyHeaders(key), body: JSON.stringify({ model: "unmask-ar", prompt: "x".repeat(70_000) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "body_too_large" } });
  });

  it("names a broken configuration variable in a 500", async () => {
    const { response } = await callEdge("/healthz", {}, { WORKER_ORIGINS: "not a url" });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      error: { code: "server_misconfigured", message: 'The edge is misconfigured: WORKER_ORIGINS contains "not a url", which is not a URL.' },
    });
  });
});
