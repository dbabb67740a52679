import { beforeAll, describe, expect, it } from "vitest";
import { countTokens } from "../src/tokens/tokenizer.js";
import { createKey, post, recordedFor, uniqueId } from "./support/edge.js";

const PROMPT = "Once upon a time";
const SUFFIX = " and they lived happily ever after.";
const LONG_TEXT = " The little dog ran to the park and played with a red ball all day.".repeat(12);

let key: string;
beforeAll(async () => {
  ({ key } = await createKey());
});

const forwarded = async (path: string, body: object) => {
  const requestId = uniqueId();
  const { response } = await post(path, key, body, {}, requestId);
  expect(response.status).toBe(200);
  const [recorded] = await recordedFor(requestId);
  return recorded?.body;
};

describe("infilling through the edge", () => {
  it("/v1/completions forwards OpenAI's suffix: the completion is the middle", async () => {
    const body = await forwarded("/v1/completions", { model: "unmask-diffusion", prompt: PROMPT, suffix: SUFFIX, max_tokens: 32 });
    expect(body).toMatchObject({ prompt: PROMPT, suffix: SUFFIX, mode: "diffusion", maxTokens: 32, steps: 32 });
  });

  it("/v1/completions takes a null suffix as none (the openai SDK's default)", async () => {
    const body = await forwarded("/v1/completions", { model: "unmask-diffusion", prompt: PROMPT, suffix: null, max_tokens: 8 });
    expect(body).not.toHaveProperty("suffix");
  });

  it("/v1/generate forwards segments; maxTokens defaults to their masks and prompt to empty", async () => {
    const segments = [{ text: PROMPT }, { masks: 24 }, { text: SUFFIX }, { masks: 8 }];
    const body = await forwarded("/v1/generate", { mode: "diffusion", segments, blockLength: 8, steps: 16 });
    expect(body).toMatchObject({ prompt: "", segments, maxTokens: 32, blockLength: 8, steps: 16 });
    expect(await forwarded("/v1/generate", { mode: "diffusion", prompt: PROMPT, suffix: SUFFIX, maxTokens: 8 })).toMatchObject({ suffix: SUFFIX });
  });

  it("reserves the tokens of every fixed span: prompt, suffix and text segments", async () => {
    const fixed = countTokens(PROMPT) + countTokens(SUFFIX);
    const { key: smallKey } = await createKey({ tokensPerMinute: fixed + 8 - 1 });
    const plain = await post("/v1/completions", smallKey, { model: "unmask-diffusion", prompt: PROMPT, max_tokens: 8 });
    expect(plain.response.status).toBe(200);
    for (const [path, body] of [
      ["/v1/completions", { model: "unmask-diffusion", prompt: PROMPT, suffix: SUFFIX, max_tokens: 8 }],
      ["/v1/generate", { mode: "diffusion", segments: [{ text: PROMPT }, { masks: 8 }, { text: SUFFIX }] }],
    ] as const) {
      const { response } = await post(path, smallKey, body);
      expect(response.status).toBe(400);
      const { error } = await response.json<{ error: { code: string; message: string } }>();
      expect(error.code).toBe("request_exceeds_token_limit");
      expect(error.message).toContain(`reserves ${fixed + 8} tokens`);
    }
  });
});

describe("infilling errors: 400 naming the field, before any token is reserved or anything forwarded", () => {
  const completion = { model: "unmask-diffusion", prompt: PROMPT, max_tokens: 8 };
  const native = { mode: "diffusion" };
  it.each([
    ["AR given a suffix", "/v1/completions", { ...completion, model: "unmask-ar", suffix: SUFFIX }, "unsupported_for_model", "suffix"],
    ["AR given segments", "/v1/generate", { mode: "ar", segments: [{ text: PROMPT }, { masks: 8 }] }, "unsupported_for_model", "segments"],
    ["AR given a suffix (native)", "/v1/generate", { mode: "ar", prompt: PROMPT, suffix: SUFFIX }, "unsupported_for_model", "suffix"],
    ["an empty template", "/v1/generate", { ...native, segments: [] }, "invalid_parameter", "segments"],
    ["no masked span", "/v1/generate", { ...native, segments: [{ text: PROMPT }, { text: SUFFIX }] }, "invalid_parameter", "segments"],
    ["a zero mask count", "/v1/generate", { ...native, segments: [{ text: PROMPT }, { masks: 0 }] }, "invalid_parameter", "segments.1.masks"],
    ["a segment with both kinds", "/v1/generate", { ...native, segments: [{ text: PROMPT, masks: 3 }] }, "invalid_parameter", "segments.0"],
    ["an unknown key in a segment", "/v1/generate", { ...native, segments: [{ masks: 3, fill: true }] }, "invalid_parameter", "segments.0.fill"],
    ["segments over the context", "/v1/generate", { ...native, segments: [{ text: LONG_TEXT }, { masks: 128 }] }, "context_length_exceeded", "segments"],
    ["a suffix over the context", "/v1/completions", { ...completion, suffix: LONG_TEXT, max_tokens: 128 }, "context_length_exceeded", "max_tokens"],
    ["a block length that does not divide the masks", "/v1/generate", { ...native, segments: [{ masks: 5 }, { text: SUFFIX }, { masks: 5 }], blockLength: 4, steps: 4 }, "invalid_parameter", "blockLength"],
    ["maxTokens unlike the masks", "/v1/generate", { ...native, segments: [{ masks: 5 }], maxTokens: 6 }, "invalid_parameter", "maxTokens"],
    ["both suffix and segments", "/v1/generate", { ...native, segments: [{ masks: 5 }], suffix: SUFFIX }, "invalid_parameter", "suffix"],
    ["neither prompt nor segments", "/v1/generate", { ...native, maxTokens: 8 }, "invalid_parameter", "prompt"],
    ["a suffix that is not text", "/v1/completions", { ...completion, suffix: 3 }, "invalid_parameter", "suffix"],
  ])("%s", async (_case, path, body, code, field) => {
    const { key: oneRequestKey } = await createKey({ requestsPerMinute: 1 });
    const requestId = uniqueId();
    const { response } = await post(path, oneRequestKey, body, {}, requestId);
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { code: string; field: string; message: string } }>();
    expect(error).toMatchObject({ code, field });
    expect(error.message.length).toBeGreaterThan(10);
    expect(await recordedFor(requestId)).toEqual([]);
    // The refusal took nothing from the key: its one request a minute is still there.
    expect((await post("/v1/completions", oneRequestKey, completion)).response.status).toBe(200);
  });
});
