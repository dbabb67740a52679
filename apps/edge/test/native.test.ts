import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_GEN_LENGTH } from "@unmask/core";
import type { GenerateResponse, StepFrame } from "@unmask/wire";
import { countTokens } from "../src/tokens/tokenizer.js";
import { createKey, env, post, readEvents, recordedFor, uniqueId } from "./support/edge.js";

let key: string;
beforeAll(async () => {
  ({ key } = await createKey());
});

describe("POST /v1/generate (native)", () => {
  it("answers with the worker's body when not streaming", async () => {
    const { response } = await post("/v1/generate", key, { prompt: "Hi", mode: "diffusion", maxTokens: 32 });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ finishReason: "eos", usage: { nfe: 32 }, timings: { totalMs: 5 } });
  });

  it("streams every denoising step, then done, with the worker's frames unchanged", async () => {
    const { response } = await post("/v1/generate", key, { prompt: "Hi", mode: "diffusion", maxTokens: 32, stream: true });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = await readEvents(response);
    const steps = events.filter(({ event }) => event === "step").map(({ data }) => JSON.parse(data) as StepFrame);
    expect(steps).toHaveLength(32);
    expect(steps.map((frame) => frame.step)).toEqual([...Array(32).keys()]);
    expect(steps[0]).toMatchObject({ block: 0, committed: [31], nfe: 1 });
    expect(steps[0]!.tokens).toHaveLength(32);
    const last = events.at(-1)!;
    expect(last.event).toBe("done");
    expect((JSON.parse(last.data) as GenerateResponse).text).toBe(steps.at(-1)!.text);
  });

  it("forwards the parameters core resolved: one token per step, low-confidence remasking, every default filled", async () => {
    const requestId = uniqueId();
    await post("/v1/generate", key, { prompt: "Hi", mode: "diffusion", maxTokens: 8 }, {}, requestId);
    const [recorded] = await recordedFor(requestId);
    // The edge always asks the worker for its event stream (apps/edge/README.md, "Worker contract").
    expect(recorded?.body).toEqual({
      prompt: "Hi", mode: "diffusion", model: "diffusion", maxTokens: 8, steps: 8, remasking: "low_confidence",
      temperature: 0, cfgScale: 0, cache: "none", seed: 0, stream: true,
    });
  });

  it("generates core's one default length, 64 tokens, at both doors when none is given", async () => {
    for (const [path, body] of [
      ["/v1/generate", { prompt: "Hi", mode: "diffusion" }],
      ["/v1/generate", { prompt: "Hi", mode: "ar" }],
      ["/v1/completions", { model: "unmask-diffusion", prompt: "Hi" }],
      ["/v1/completions", { model: "unmask-ar", prompt: "Hi" }],
    ] as const) {
      const requestId = uniqueId();
      expect((await post(path, key, body, {}, requestId)).response.status).toBe(200);
      const [recorded] = await recordedFor(requestId);
      expect(recorded?.body).toMatchObject({ maxTokens: DEFAULT_GEN_LENGTH });
    }
    expect(DEFAULT_GEN_LENGTH).toBe(64);
  });

  it("forwards the fast-decoding options: cache, threshold or factor", async () => {
    const requestId = uniqueId();
    await post("/v1/generate", key, { prompt: "Hi", mode: "diffusion", maxTokens: 8, blockLength: 4, steps: 8, cache: "dual", factor: 1 }, {}, requestId);
    const [recorded] = await recordedFor(requestId);
    expect(recorded?.body).toMatchObject({ cache: "dual", factor: 1, blockLength: 4 });
  });

  it("sends keep-alive comments while the worker is quiet", async () => {
    const call = await post("/v1/generate", key, { prompt: "[[slow]]", mode: "ar", maxTokens: 2, stream: true }, { KEEP_ALIVE_MS: 30 });
    const reader = call.response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = "";
    while (!received.includes(": keep-alive")) received += (await reader.read()).value ?? "";
    await reader.cancel();
    await call.settled();
    expect(received).toContain(": keep-alive\n\n");
  });

  it("aborts the upstream request when the client disconnects, and charges what was computed", async () => {
    const requestId = uniqueId();
    const { key: ownKey, id } = await createKey();
    const call = await post("/v1/generate", ownKey, { prompt: "[[slow]]", mode: "diffusion", maxTokens: 8, stream: true }, {}, requestId);
    const reader = call.response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await call.settled();
    await expect.poll(async () => (await recordedFor(requestId))[0]?.closedEarly, { timeout: 2000 }).toBe(true);
    const [today] = await env.KEY_LIMITER.getByName(id).usage();
    expect(today!.nfe).toBeGreaterThanOrEqual(1);
    expect(today).toMatchObject({ requests: 1, chargedTokens: countTokens("[[slow]]") + today!.completionTokens });
  });

  it("ends a stream the worker breaks off with an error event", async () => {
    const events = await readEvents((await post("/v1/generate", key, { prompt: "[[break]]", mode: "ar", maxTokens: 8, stream: true })).response);
    expect(events.filter(({ event }) => event === "step")).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ event: "error" });
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ error: { code: "upstream_interrupted" } });
  });
});
