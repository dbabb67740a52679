import type { RunningWorker } from "@unmask/gpu-worker";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EdgeStack, startEdgeStack } from "./support/edgeStack.js";

let stack: EdgeStack;
let worker: RunningWorker;
let edgeUrl: string;
let adminSecret: string;

const createKey = (limits: Record<string, number> = {}) => stack.createKey("e2e", limits);

beforeAll(async () => {
  // A deep queue, so a burst of identical requests all reach the worker (none refused as queue_full).
  stack = await startEdgeStack({ MAX_QUEUE_LENGTH: "256" });
  ({ worker, edgeUrl, adminSecret } = stack);
});

afterAll(async () => {
  await stack?.close();
});

describe("edge in workerd -> gpu-worker -> onnxruntime", () => {
  it("serves an unmodified OpenAI SDK client, plain and streaming", async () => {
    const client = new OpenAI({ apiKey: await createKey(), baseURL: `${edgeUrl}/v1` });
    const completion = await client.completions.create({
      model: "unmask-diffusion", prompt: "Once upon a time", max_tokens: 16, seed: 3,
      // diffusion extras ride along as extra body fields
      ...({ steps: 8 } as object),
    });
    expect(completion.choices[0]!.text.trim().length).toBeGreaterThan(0);
    expect(completion.usage).toMatchObject({ completion_tokens: 16, nfe: 8 });

    const stream = await client.completions.create({
      model: "unmask-ar", prompt: "Once upon a time", max_tokens: 12, seed: 3, stream: true, stream_options: { include_usage: true },
    });
    let text = "";
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.trim().length).toBeGreaterThan(0);
    expect(usage).toMatchObject({ prompt_tokens: 4 });
  });

  it("runs Fast-dLLM's dual cache with a parallel rule end to end, reporting tokens per forward", async () => {
    const client = new OpenAI({ apiKey: await createKey(), baseURL: `${edgeUrl}/v1` });
    const completion = await client.completions.create({
      model: "unmask-diffusion", prompt: "Once upon a time", max_tokens: 32, seed: 3,
      ...({ steps: 32, block_length: 8, cache: "dual", factor: 4 } as object),
    });
    const usage = completion.usage as unknown as { nfe: number; tokens_per_forward: number };
    expect(completion.choices[0]!.text).not.toContain("[MASK]");
    expect(usage.nfe).toBeLessThan(32);
    expect(usage.tokens_per_forward).toBeCloseTo(32 / usage.nfe, 3);
  });

  it("serves unmask-diffusion-fast by name: the worker runs it on the diffusion-fast model's own session", async () => {
    const fastCalls = async () => {
      const text = await (await fetch(`${worker.url}/metrics`)).text();
      return text.split("\n").filter((line) => line.startsWith("unmask_model_calls_total{") && line.includes('model="diffusion-fast"'))
        .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
    };
    const client = new OpenAI({ apiKey: await createKey(), baseURL: `${edgeUrl}/v1` });
    expect((await client.models.list()).data.map((model) => model.id)).toContain("unmask-diffusion-fast");
    const before = await fastCalls();
    const completion = await client.completions.create({
      model: "unmask-diffusion-fast", prompt: "Once upon a time", max_tokens: 16, seed: 3, ...({ steps: 8 } as object),
    });
    expect(completion.model).toBe("unmask-diffusion-fast");
    expect(completion.choices[0]!.text.trim().length).toBeGreaterThan(0);
    expect(completion.usage).toMatchObject({ nfe: 8 });
    expect(await fastCalls()).toBe(before + 8);
  });

  it("streams every denoising step through the native endpoint, masks shrinking, then the final answer", async () => {
    const response = await fetch(`${edgeUrl}/v1/generate`, {
      method: "POST",
      headers: { Authorization: `Bearer ${await createKey()}`, "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: "Once upon a time", mode: "diffusion", maxTokens: 16, steps: 4, seed: 1, stream: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = (await response.text()).split("\n\n").filter((block) => block.startsWith("event:"));
    const parse = (block: string) => ({ event: block.split("\n")[0]!.slice(7), data: JSON.parse(block.split("\n")[1]!.slice(6)) });
    const steps = events.map(parse).filter((e) => e.event === "step");
    const done = events.map(parse).find((e) => e.event === "done");
    expect(steps.map((s) => s.data.step)).toEqual([0, 1, 2, 3]);
    const masks = steps.map((s) => (s.data.text.match(/\[MASK\]/g) ?? []).length);
    expect(masks).toEqual([...masks].sort((a, b) => b - a));
    expect(masks.at(-1)).toBe(0);
    expect(done?.data.text).toBe(steps.at(-1)!.data.text);
    expect(done?.data.usage).toMatchObject({ completionTokens: 16, nfe: 4 });
  });

  it("infills through an unmodified OpenAI SDK client (suffix), plain and streaming, and refuses a suffix for AR", async () => {
    const client = new OpenAI({ apiKey: await createKey(), baseURL: `${edgeUrl}/v1` });
    const request = {
      model: "unmask-diffusion", prompt: "Once upon a time, there was a little dog named Max.", suffix: " Max and the cat were best friends forever.",
      max_tokens: 16, seed: 3, ...({ steps: 8 } as object),
    };
    const completion = await client.completions.create(request);
    const plainPrompt = await client.completions.create({ ...request, suffix: null, max_tokens: 1, ...({ steps: 1 } as object) });
    expect(completion.choices[0]!.text.trim().length).toBeGreaterThan(0);
    expect(completion.choices[0]!.text).not.toContain("[MASK]");
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(plainPrompt.usage!.prompt_tokens);
    expect(completion.usage).toMatchObject({ nfe: 8 });

    const stream = await client.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    let text = "";
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(completion.choices[0]!.text);
    expect(usage).toMatchObject({ prompt_tokens: completion.usage!.prompt_tokens });

    const { steps: _diffusionOnly, ...withoutSteps } = request as typeof request & { steps: number };
    const refused = await client.completions.create({ ...withoutSteps, model: "unmask-ar" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect(refused).toMatchObject({ status: 400, code: "unsupported_for_model" });
  });

  it("streams an infilling canvas through the native endpoint: fixed spans marked and kept, the answer spelled span by span", async () => {
    const segments = [{ text: "Once upon a time, there was a cat." }, { masks: 8 }, { text: " The cat said," }, { masks: 8 }, { text: " The end." }];
    const response = await fetch(`${edgeUrl}/v1/generate`, {
      method: "POST",
      headers: { Authorization: `Bearer ${await createKey()}`, "Content-Type": "application/json" },
      body: JSON.stringify({ mode: "diffusion", segments, blockLength: 8, steps: 8, seed: 1, stream: true }),
    });
    expect(response.status).toBe(200);
    const events = (await response.text()).split("\n\n").filter((block) => block.startsWith("event:"));
    const parse = (block: string) => ({ event: block.split("\n")[0]!.slice(7), data: JSON.parse(block.split("\n")[1]!.slice(6)) });
    const steps = events.map(parse).filter((e) => e.event === "step").map((e) => e.data);
    const done = events.map(parse).find((e) => e.event === "done")!.data;
    expect(steps).toHaveLength(8);
    const fixed = steps[0].fixed as Array<[number, number]>;
    expect(fixed).toHaveLength(3);
    for (const step of steps) {
      expect(step.fixed).toEqual(fixed);
      for (const [start, end] of fixed) expect(step.canvas.slice(start, end)).toEqual(steps[0].canvas.slice(start, end));
    }
    expect(done.segments.map((segment: { generated: boolean }) => segment.generated)).toEqual([false, true, false, true, false]);
    expect(done.segments.filter((segment: { generated: boolean }) => !segment.generated).map((segment: { text: string }) => segment.text))
      .toEqual([segments[0]!.text, segments[2]!.text, segments[4]!.text]);
    expect(done.usage).toMatchObject({ nfe: 8 });
  });

  it("answers 429 with Retry-After once a key is over its requests-per-minute limit", async () => {
    const key = await createKey({ requestsPerMinute: 1 });
    const ask = () =>
      fetch(`${edgeUrl}/v1/completions`, {
        method: "POST",
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
        body: JSON.stringify({ model: "unmask-ar", prompt: "Hi", max_tokens: 2 }),
      });
    expect((await ask()).status).toBe(200);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
  });

  it("answers every one of many identical concurrent requests (no replay rejection, no 502)", async () => {
    const key = await createKey({ requestsPerMinute: 1000, concurrentRequests: 1000, tokensPerMinute: 1_000_000 });
    const body = JSON.stringify({ model: "unmask-ar", prompt: "Hi", max_tokens: 2 });
    const statuses = await Promise.all(Array.from({ length: 60 }, async () => {
      const response = await fetch(`${edgeUrl}/v1/completions`, {
        method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body,
      });
      await response.arrayBuffer();
      return response.status;
    }));
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });

  it("records a non-streaming generation whose client disconnects with what the worker computed", async () => {
    const key = await createKey();
    const keyId = key.split("_")[1]!;
    const modelCalls = async () => {
      const text = await (await fetch(`${worker.url}/metrics`)).text();
      return text.split("\n").filter((line) => line.startsWith("unmask_model_calls_total")).reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
    };
    const before = await modelCalls();
    const client = new AbortController();
    const pending = fetch(`${edgeUrl}/v1/completions`, {
      method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify({ model: "unmask-diffusion", prompt: "Once upon a time", max_tokens: 128, steps: 128 }),
      signal: client.signal,
    }).catch(() => undefined);
    while ((await modelCalls()) < before + 3) await new Promise((resolve) => setTimeout(resolve, 50));
    client.abort();
    await pending;
    const usageOf = async () => {
      const response = await fetch(`${edgeUrl}/admin/keys/${keyId}/usage`, { headers: { Authorization: `Bearer ${adminSecret}` } });
      return ((await response.json()) as { total: { requests: number; nfe: number; completionTokens: number; promptTokens: number; chargedTokens: number } }).total;
    };
    await expect.poll(async () => (await usageOf()).requests, { timeout: 30_000 }).toBe(1);
    const usage = await usageOf();
    // Whether or not the disconnect reached the worker in time (under wrangler dev it may run to the
    // end), the books hold what it computed: every model call of this lone request but those that
    // ran while the cancel travelled.
    const computed = (await modelCalls()) - before;
    expect(usage.nfe).toBeGreaterThanOrEqual(1);
    expect(usage.nfe).toBeLessThanOrEqual(computed);
    expect(computed - usage.nfe).toBeLessThan(128 / 4);
    expect(usage.completionTokens).toBeGreaterThan(0);
    expect(usage.chargedTokens).toBe(usage.promptTokens + usage.completionTokens);
  });
});
