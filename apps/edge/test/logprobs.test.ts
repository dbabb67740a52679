import { Tokenizer } from "@huggingface/tokenizers";
import type { GenerateResponse } from "@unmask/wire";
import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import tokenizerJson from "../../../models/tokenizer/tokenizer.json" with { type: "json" };
import { tokenPieces, tokenText } from "../src/tokens/tokenizer.js";
import { callEdge, createKey, post, recordedFor, uniqueId } from "./support/edge.js";

/** The test double's canned answer (test/support/fakeWorkerOrigin.ts), and its canned scores: token i has −(i + 1)/10. */
const ANSWER = " Once upon a time, a small fox found a red ball in the snow.";
const cannedLogprob = (i: number) => -(i + 1) / 10;

interface Logprobs {
  tokens: string[];
  token_logprobs: number[];
  top_logprobs: Array<Record<string, number>>;
  text_offset: number[];
}
type Completion = { choices: Array<{ text: string; logprobs: Logprobs | null }> };

let key: string;
beforeAll(async () => {
  ({ key } = await createKey());
});

const complete = async (body: Record<string, unknown>, requestId = uniqueId()) => {
  const { response } = await post("/v1/completions", key, { model: "unmask-ar", prompt: "Go", max_tokens: 32, ...body }, {}, requestId);
  expect(response.status).toBe(200);
  return (await response.json<Completion>()).choices[0]!;
};

/** Offsets that start at `from` and grow by each token's text. */
const offsetsOf = (tokens: string[], from: number) => tokens.map((_, i) => from + tokens.slice(0, i).join("").length);

describe("logprobs on POST /v1/completions", () => {
  it.each([6, -1, 1.5, "x", true])("refuses logprobs %j with 400 naming the field, before any worker call", async (logprobs) => {
    const requestId = uniqueId();
    const { response } = await post("/v1/completions", key, { model: "unmask-ar", prompt: "Go", logprobs }, {}, requestId);
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { code: string; field: string; message: string } }>();
    expect(error).toMatchObject({ code: "invalid_parameter", field: "logprobs" });
    expect(error.message).toContain("logprobs");
    expect(await recordedFor(requestId)).toHaveLength(0);
  });

  it("refuses logprobs with stream: true by name", async () => {
    const { response } = await post("/v1/completions", key, { model: "unmask-diffusion", prompt: "Go", logprobs: 1, stream: true });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_parameter", field: "logprobs" } });
  });

  it("answers OpenAI's shape: the tokens' texts join to the text, with their scores, alternatives and offsets", async () => {
    const requestId = uniqueId();
    const { text, logprobs } = await complete({ logprobs: 2 }, requestId);
    expect((await recordedFor(requestId))[0]?.body).toMatchObject({ logprobs: 2 });
    expect(text).toBe(ANSWER);
    expect(logprobs!.tokens.join("")).toBe(text);
    expect(logprobs!.tokens.slice(0, 4)).toEqual([" ", "Once", " upon", " a"]);
    expect(logprobs!.token_logprobs).toEqual(logprobs!.tokens.map((_, i) => cannedLogprob(i)));
    expect(logprobs!.text_offset).toEqual(offsetsOf(logprobs!.tokens, 0));
    logprobs!.top_logprobs.forEach((top, i) => {
      expect(Object.keys(top)).toHaveLength(2);
      // The double's first alternative is the chosen token itself.
      expect(top[logprobs!.tokens[i]!]).toBe(cannedLogprob(i));
    });
  });

  it("keeps only the tokens within the text a stop sequence cut, offsets after an echoed prompt, {} alternatives for 0", async () => {
    // " fox" is cut through ("fox" stops): its leading space stays in the text, the token does not.
    const stopped = await complete({ logprobs: 1, stop: "fox" });
    expect(stopped.text).toBe(" Once upon a time, a small ");
    expect(stopped.logprobs!.tokens.join("")).toBe(" Once upon a time, a small");
    const echoed = await complete({ logprobs: 0, echo: true, prompt: "Go" });
    expect(echoed.text).toBe(`Go${ANSWER}`);
    expect(echoed.logprobs!.tokens.join("")).toBe(ANSWER);
    expect(echoed.logprobs!.text_offset).toEqual(offsetsOf(echoed.logprobs!.tokens, 2));
    expect(echoed.logprobs!.top_logprobs.every((top) => Object.keys(top).length === 0)).toBe(true);
  });

  it("is null, and not forwarded, without logprobs or with null", async () => {
    for (const body of [{}, { logprobs: null }]) {
      const requestId = uniqueId();
      expect((await complete(body, requestId)).logprobs).toBeNull();
      expect((await recordedFor(requestId))[0]?.body).not.toHaveProperty("logprobs");
    }
  });

  it("reaches the unmodified openai client in its own types", async () => {
    const client = new OpenAI({
      apiKey: key,
      baseURL: "https://edge.test/v1",
      maxRetries: 0,
      fetch: async (url, init) => (await callEdge(new URL(String(url)).pathname, init as RequestInit)).response,
    });
    const completion = await client.completions.create({ model: "unmask-diffusion", prompt: "Once", max_tokens: 32, logprobs: 2 });
    const [first] = completion.choices;
    expect(first?.logprobs?.tokens?.join("")).toBe(first?.text);
    expect(first?.logprobs?.token_logprobs?.length).toBe(first?.logprobs?.tokens?.length);
  });
});

describe("logprobs on the native POST /v1/generate", () => {
  it("passes logprobs through and answers with the worker's scores", async () => {
    const requestId = uniqueId();
    const { response } = await post("/v1/generate", key, { prompt: "Hi", mode: "ar", maxTokens: 4, logprobs: 3 }, {}, requestId);
    expect(response.status).toBe(200);
    const answer = await response.json<GenerateResponse>();
    expect((await recordedFor(requestId))[0]?.body).toMatchObject({ logprobs: 3 });
    expect(answer.logprobs).toHaveLength(answer.tokens.length);
    expect(answer.logprobs!.every((scored, i) => scored.token === answer.tokens[i] && scored.top.length === 3)).toBe(true);
  });

  it("refuses an out-of-range logprobs naming the field", async () => {
    const { response } = await post("/v1/generate", key, { prompt: "Hi", mode: "diffusion", logprobs: 6 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_parameter", field: "logprobs" } });
  });
});

describe("per-token text", () => {
  const plainText = new Tokenizer({ ...tokenizerJson, added_tokens: [] }, {});
  const decoder = new Tokenizer(tokenizerJson, {});

  it("joins to the decoded text, a character split over tokens appearing on the token that completes it", () => {
    const text = " The fox said “hi” 🦊 and ran.";
    const ids = plainText.encode(text, { add_special_tokens: false }).ids;
    const pieces = tokenPieces(ids);
    expect(pieces).toHaveLength(ids.length);
    expect(pieces.join("")).toBe(decoder.decode(ids, { skip_special_tokens: true }));
    expect(pieces.join("")).toBe(text);
    const split = pieces.findIndex((piece) => piece === "");
    expect(split).not.toBe(-1);
    expect(tokenText(ids[split]!)).toContain("\uFFFD");
    expect(tokenText(ids[0]!)).toBe(pieces[0]);
  });
});
