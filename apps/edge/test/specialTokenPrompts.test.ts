import { beforeAll, describe, expect, it } from "vitest";
import { countTokens } from "../src/tokens/tokenizer.js";
import { createKey, post, readEvents, recordedFor, uniqueId } from "./support/edge.js";

/** User text that spells the tokenizer's special tokens (end-of-text, mask, pad). */
const SPECIAL_TOKEN_TEXT = "a [MASK] b <|endoftext|>";
/** Its length as plain text, as the real worker counts it (apps/gpu-worker/test/specialTokenText.test.ts). */
const SPECIAL_TOKEN_TEXT_TOKENS = 18;

let key: string;
beforeAll(async () => {
  ({ key } = await createKey());
});

describe("user text that spells special tokens is counted as text", () => {
  it("counts it as the worker does", () => {
    expect(countTokens(SPECIAL_TOKEN_TEXT)).toBe(SPECIAL_TOKEN_TEXT_TOKENS);
    expect(countTokens("[PAD]")).toBeGreaterThan(1);
  });

  it("checks the context with that count: 60 spelled masks do not fit in 256 tokens", async () => {
    const { response } = await post("/v1/completions", key, { model: "unmask-ar", prompt: "[MASK]".repeat(60), max_tokens: 16 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "context_length_exceeded", field: "prompt" } });
  });
});

describe("a prompt with special-token text completes", () => {
  it.each([false, true])("POST /v1/completions (stream: %s) forwards the literal text and answers 200", async (stream) => {
    const requestId = uniqueId();
    const { response } = await post(
      "/v1/completions", key,
      { model: "unmask-diffusion", prompt: SPECIAL_TOKEN_TEXT, max_tokens: 16, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) },
      {}, requestId,
    );
    expect(response.status).toBe(200);
    const usage = stream
      ? JSON.parse((await readEvents(response)).map(({ data }) => data).at(-2)!).usage
      : (await response.json<{ usage: unknown }>()).usage;
    expect(usage).toMatchObject({ prompt_tokens: SPECIAL_TOKEN_TEXT_TOKENS });
    expect((await recordedFor(requestId)).map((recorded) => recorded.body.prompt)).toEqual([SPECIAL_TOKEN_TEXT]);
  });

  it.each([false, true])("POST /v1/generate (stream: %s) forwards the literal text and answers 200", async (stream) => {
    const requestId = uniqueId();
    const { response } = await post("/v1/generate", key, { prompt: SPECIAL_TOKEN_TEXT, mode: "ar", maxTokens: 8, stream }, {}, requestId);
    expect(response.status).toBe(200);
    const answer = stream
      ? JSON.parse((await readEvents(response)).find(({ event }) => event === "done")!.data)
      : await response.json();
    expect(answer).toMatchObject({ usage: { promptTokens: SPECIAL_TOKEN_TEXT_TOKENS } });
    expect((await recordedFor(requestId)).map((recorded) => recorded.body.prompt)).toEqual([SPECIAL_TOKEN_TEXT]);
  });
});
