import { describe, expect, it } from "vitest";
import type { DailyUsage } from "../src/limits/admissionPolicy.js";
import { countTokens } from "../src/tokens/tokenizer.js";
import { createKey, env, keyHeaders, post, readEvents, startEdgeCall } from "./support/edge.js";

const usageOf = async (id: string): Promise<DailyUsage> => {
  const [today] = await env.KEY_LIMITER.getByName(id).usage();
  if (today === undefined) throw new Error("no usage recorded");
  return today;
};

/** Reads a stream until `count` step events have arrived, then cancels it (the client goes away). */
const readStepsThenCancel = async (response: Response, count: number): Promise<void> => {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let received = "";
  while ((received.match(/event: step/g) ?? []).length < count) received += (await reader.read()).value ?? "";
  await reader.cancel();
};

const slow = { prompt: "[[slow]] Once", mode: "diffusion", maxTokens: 32 } as const;
const broken = { prompt: "[[break]] Once", mode: "diffusion", maxTokens: 8 } as const;

describe("usage: every request that reached a worker is in the books, with what was computed", () => {
  it("records a finished generation as the worker measured it", async () => {
    const { key, id } = await createKey();
    const call = await post("/v1/generate", key, { prompt: "Hi", mode: "diffusion", maxTokens: 32 });
    const answer = await call.response.json<{ usage: { promptTokens: number; completionTokens: number; nfe: number } }>();
    await call.settled();
    expect(await usageOf(id)).toMatchObject({
      requests: 1, nfe: 32, promptTokens: answer.usage.promptTokens, completionTokens: answer.usage.completionTokens,
      chargedTokens: answer.usage.promptTokens + answer.usage.completionTokens,
    });
  });

  it("charges a streaming client that cancels the prompt plus the positions computed until then, with their NFE", async () => {
    const { key, id } = await createKey();
    const call = await post("/v1/generate", key, { ...slow, stream: true });
    await readStepsThenCancel(call.response, 3);
    await call.settled();
    const usage = await usageOf(id);
    // The double commits one position per step: positions computed = NFE, at least the 3 steps the client saw.
    expect(usage.nfe).toBeGreaterThanOrEqual(3);
    expect(usage.nfe).toBeLessThan(32);
    expect(usage).toMatchObject({
      requests: 1, promptTokens: countTokens(slow.prompt), completionTokens: usage.nfe, chargedTokens: countTokens(slow.prompt) + usage.nfe,
    });
  });

  it("charges a non-streaming client that disconnects what was computed until then", async () => {
    const { key, id } = await createKey();
    const client = new AbortController();
    const call = startEdgeCall("/v1/generate", { method: "POST", headers: keyHeaders(key), body: JSON.stringify(slow), signal: client.signal });
    // The double sends a frame every 100 ms: the edge has seen a few when the client leaves.
    await new Promise((resolve) => setTimeout(resolve, 450));
    client.abort();
    await Promise.resolve(call.response).catch(() => undefined);
    await call.settled();
    const usage = await usageOf(id);
    expect(usage.nfe).toBeGreaterThanOrEqual(1);
    expect(usage.nfe).toBeLessThan(32);
    expect(usage).toMatchObject({ requests: 1, completionTokens: usage.nfe, chargedTokens: countTokens(slow.prompt) + usage.nfe });
  });

  it("charges a stream that the worker breaks off what was streamed (the client saw it)", async () => {
    const { key, id } = await createKey();
    const call = await post("/v1/generate", key, { ...broken, stream: true });
    const events = await readEvents(call.response);
    expect(events.at(-1)).toMatchObject({ event: "error" });
    await call.settled();
    expect(await usageOf(id)).toMatchObject({
      requests: 1, nfe: 2, promptTokens: countTokens(broken.prompt), completionTokens: 2, chargedTokens: countTokens(broken.prompt) + 2,
    });
  });

  it("records a non-streaming answer that the worker breaks off with what was computed, but charges nothing (the client got an error)", async () => {
    const { key, id } = await createKey();
    const call = await post("/v1/generate", key, broken);
    expect(call.response.status).toBe(502);
    expect(await call.response.json()).toMatchObject({ error: { code: "upstream_interrupted" } });
    await call.settled();
    expect(await usageOf(id)).toMatchObject({ requests: 1, nfe: 2, completionTokens: 2, chargedTokens: 0 });
  });

  it("ends a stream past the deadline with upstream_timeout and charges what it streamed", async () => {
    const { key, id } = await createKey();
    const call = await post("/v1/completions", key, { model: "unmask-diffusion", prompt: slow.prompt, max_tokens: 32, stream: true }, { UPSTREAM_TIMEOUT_MS: 450 });
    const events = await readEvents(call.response);
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ error: { code: "upstream_timeout" } });
    await call.settled();
    const usage = await usageOf(id);
    expect(usage.nfe).toBeGreaterThanOrEqual(1);
    expect(usage).toMatchObject({ requests: 1, completionTokens: usage.nfe, chargedTokens: countTokens(slow.prompt) + usage.nfe });
  });

  it("answers a non-streaming request past the deadline with 504, recorded with what was computed, charged nothing", async () => {
    const { key, id } = await createKey();
    const call = await post("/v1/generate", key, slow, { UPSTREAM_TIMEOUT_MS: 450 });
    expect(call.response.status).toBe(504);
    await call.settled();
    const usage = await usageOf(id);
    expect(usage.nfe).toBeGreaterThanOrEqual(1);
    expect(usage).toMatchObject({ requests: 1, completionTokens: usage.nfe, chargedTokens: 0 });
  });

  it("counts a request the worker refuses, with nothing computed or charged", async () => {
    const { key, id } = await createKey();
    const call = await post("/v1/generate", key, { prompt: "[[reject]]", mode: "diffusion", maxTokens: 8 });
    expect(call.response.status).toBe(400);
    await call.settled();
    expect(await usageOf(id)).toMatchObject({ requests: 1, nfe: 0, completionTokens: 0, chargedTokens: 0 });
  });
});
