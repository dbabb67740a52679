import { beforeAll, describe, expect, it } from "vitest";
import { callEdge, createKey, keyHeaders, post, recordedFor, uniqueId } from "./support/edge.js";

let key: string;
beforeAll(async () => {
  ({ key } = await createKey());
});

const base = { model: "unmask-diffusion", prompt: "Once upon a time" };

describe("validation of POST /v1/completions", () => {
  it.each([
    ["a missing model", { prompt: "hi" }, "model", '"model" is required.'],
    ["a non-string prompt", { ...base, prompt: 3 }, "prompt", '"prompt" must be string.'],
    ["an unknown parameter", { ...base, frequency_penalty: 0.5 }, "frequency_penalty", '"frequency_penalty" is not a supported parameter.'],
    ["max_tokens over core's cap", { ...base, max_tokens: 5000 }, "max_tokens", '"max_tokens" must be a value between 1 and 1024.'],
    ["a fractional max_tokens", { ...base, max_tokens: 2.5 }, "max_tokens", '"max_tokens" must be an integer.'],
    ["steps over core's cap", { ...base, max_tokens: 8, steps: 5000 }, "steps", '"steps" must be a value between 1 and 1024.'],
    ["a block length that does not divide max_tokens", { ...base, max_tokens: 16, block_length: 5, steps: 16 }, "block_length", "max_tokens (16) must be a multiple of block_length (5)."],
    ["steps not a multiple of the blocks", { ...base, max_tokens: 16, block_length: 8, steps: 3 }, "steps", "steps (3) must be a multiple of the number of blocks (2)."],
    ["an unknown remasking", { ...base, remasking: "best" }, "remasking", '"remasking" must be "low_confidence" | "random" | "margin" | "entropy".'],
    ["a diffusion parameter for an AR model", { ...base, model: "unmask-ar", steps: 4 }, "steps", '"steps" applies only to diffusion models.'],
    ["an AR parameter for a diffusion model", { ...base, top_p: 0.9 }, "top_p", '"top_p" applies only to autoregressive models.'],
    ["too many stop sequences", { ...base, stop: ["a", "b", "c", "d", "e"] }, "stop", '"stop" must be'],
    ["n above 8", { ...base, n: 9 }, "n", '"n" must be an integer from 1 to 8.'],
    ["an unknown cache mode", { ...base, cache: "both" }, "cache", '"cache" must be "none" | "prefix" | "dual".'],
    ["both threshold and factor", { ...base, threshold: 0.9, factor: 1 }, "factor", "threshold and factor are alternative rules: give one of them"],
    ["a factor of 0", { ...base, factor: 0 }, "factor", '"factor" must be'],
    ["a cache for an AR model", { ...base, model: "unmask-ar", cache: "dual" }, "cache", '"cache" applies only to diffusion models.'],
  ])("rejects %s with 400 invalid_parameter naming the field", async (_name, body, field, message) => {
    const { response } = await post("/v1/completions", key, body);
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { code: string; field: string; message: string; type: string } }>();
    expect(error).toMatchObject({ code: "invalid_parameter", field, type: "invalid_request_error" });
    expect(error.message).toContain(message.replace(/\.$/, ""));
  });

  it("rejects an unknown model with the list of served ones", async () => {
    const { response } = await post("/v1/completions", key, { ...base, model: "gpt-4" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: "unknown_model", field: "model", message: 'The model "gpt-4" is not served here; choose one of: unmask-diffusion, unmask-diffusion-fast, unmask-ar.' },
    });
  });

  it("rejects prompt + max_tokens beyond the model's context", async () => {
    const { response } = await post("/v1/completions", key, { ...base, max_tokens: 256 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "context_length_exceeded", field: "max_tokens" } });
  });

  it("rejects a body that is not JSON, or not declared JSON", async () => {
    const malformed = await callEdge("/v1/completions", { method: "POST", headers: keyHeaders(key), body: "{not json" });
    expect(malformed.response.status).toBe(400);
    expect(await malformed.response.json()).toMatchObject({ error: { code: "invalid_json" } });
    const undeclared = await callEdge("/v1/completions", {
      method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "text/plain" }, body: JSON.stringify(base),
    });
    expect(undeclared.response.status).toBe(415);
    expect(await undeclared.response.json()).toMatchObject({ error: { code: "unsupported_media_type" } });
  });

  it("rejects a body that is not an object", async () => {
    const { response } = await post("/v1/completions", key, [1, 2]);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_parameter", message: "The request body must be object." } });
  });

  it("passes a worker's own 400 through in the client's field names", async () => {
    const { response } = await post("/v1/completions", key, { ...base, prompt: "[[reject]]", max_tokens: 8 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: "invalid_parameter", field: "block_length", message: "block_length (5) must divide max_tokens" },
    });
  });
});

describe("validation of POST /v1/generate", () => {
  it("names fields the worker's way", async () => {
    const { response } = await post("/v1/generate", key, { prompt: "hi", mode: "diffusion", maxTokens: 16, blockLength: 5, steps: 16 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_parameter", field: "blockLength" } });
  });

  it("requires a known mode", async () => {
    const { response } = await post("/v1/generate", key, { prompt: "hi", mode: "mystery" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_parameter", field: "mode" } });
  });
});

describe("a bad sampler parameter is refused before anything is reserved or forwarded", () => {
  it.each([
    ["/v1/completions", { model: "unmask-ar", prompt: "Hello", max_tokens: 32, top_k: 0 }, "top_k"],
    ["/v1/completions", { model: "unmask-ar", prompt: "Hello", max_tokens: 32, steps: 4 }, "steps"],
    ["/v1/completions", { model: "unmask-diffusion", prompt: "Hello", max_tokens: 32, block_length: 5 }, "block_length"],
    ["/v1/generate", { mode: "diffusion", prompt: "Hello", maxTokens: 32, steps: 33 }, "steps"],
    ["/v1/generate", { mode: "ar", prompt: "Hello", maxTokens: 2000 }, "maxTokens"],
  ])("%s %j", async (path, body, field) => {
    // Room for one request a minute and one reservation of ~34 tokens: the refusal must take neither.
    const { key: tightKey } = await createKey({ requestsPerMinute: 1, tokensPerMinute: 40 });
    const requestId = uniqueId();
    const { response } = await post(path, tightKey, body, {}, requestId);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_parameter", field } });
    expect(await recordedFor(requestId)).toEqual([]);
    expect((await post("/v1/completions", tightKey, { model: "unmask-ar", prompt: "Hello", max_tokens: 32 })).response.status).toBe(200);
  });
});
