import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { type EdgeCall, callEdge, createKey, post, readEvents, recordedFor, uniqueId } from "./support/edge.js";

/** The test double's canned answer (test/support/fakeWorkerOrigin.ts). */
const ANSWER = " Once upon a time, a small fox found a red ball in the snow.";
/** Its length in tokens. */
const ANSWER_TOKENS = 17;

let key: string;
beforeAll(async () => {
  ({ key } = await createKey());
});

const chunksOf = async ({ response }: EdgeCall) => (await readEvents(response)).map(({ data }) => data);

describe("POST /v1/completions", () => {
  it("answers in OpenAI's completion shape with usage and NFE", async () => {
    const requestId = uniqueId();
    const { response } = await post("/v1/completions", key, { model: "unmask-diffusion", prompt: "Tell me a story", max_tokens: 32 }, {}, requestId);
    expect(response.status).toBe(200);
    const body = await response.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      id: `cmpl-${requestId}`,
      object: "text_completion",
      model: "unmask-diffusion",
      choices: [{ text: ANSWER, index: 0, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), nfe: 32, steps: 32, tokens_per_forward: 1 },
    });
    expect(body.created).toEqual(expect.any(Number));
  });

  it('reports "length" when max_tokens cut the text', async () => {
    const { response } = await post("/v1/completions", key, { model: "unmask-ar", prompt: "Go", max_tokens: 3 });
    const body = await response.json<{ choices: Array<{ finish_reason: string; text: string }> }>();
    expect(body.choices[0]).toMatchObject({ finish_reason: "length", text: " Once upon" });
  });

  it("cuts the text at the first stop sequence", async () => {
    const { response } = await post("/v1/completions", key, { model: "unmask-ar", prompt: "Go", max_tokens: 32, stop: ["fox", "time"] });
    const body = await response.json<{ choices: Array<{ finish_reason: string; text: string }> }>();
    expect(body.choices[0]).toEqual({ text: " Once upon a ", index: 0, logprobs: null, finish_reason: "stop" });
  });

  it("streams chunks whose texts add up to the answer, then usage, then [DONE]", async () => {
    const call = await post("/v1/completions", key, {
      model: "unmask-diffusion", prompt: "Story", max_tokens: 32, stream: true, stream_options: { include_usage: true },
    });
    expect(call.response.headers.get("content-type")).toContain("text/event-stream");
    const chunks = await chunksOf(call);
    expect(chunks.at(-1)).toBe("[DONE]");
    const parsed = chunks.slice(0, -1).map((chunk) => JSON.parse(chunk) as {
      object: string; choices: Array<{ text: string; finish_reason: string | null }>; usage: unknown;
    });
    const usageChunk = parsed.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ completion_tokens: expect.any(Number), nfe: 32 });
    const textChunks = parsed.slice(0, -1);
    expect(textChunks.every((chunk) => chunk.object === "text_completion" && chunk.usage === null)).toBe(true);
    expect(textChunks.map((chunk) => chunk.choices[0]!.text).join("")).toBe(ANSWER);
    expect(textChunks.at(-1)!.choices[0]!.finish_reason).toBe("stop");
  });

  it("streams only the settled prefix of an AR generation, token by token, and honours stop", async () => {
    const chunks = await chunksOf(await post("/v1/completions", key, { model: "unmask-ar", prompt: "Go", max_tokens: 32, stream: true, stop: "small" }));
    expect(chunks.at(-1)).toBe("[DONE]");
    const texts = chunks.slice(0, -1).map((chunk) => (JSON.parse(chunk) as { choices: Array<{ text: string }> }).choices[0]!.text);
    expect(texts.length).toBeGreaterThan(3);
    expect(texts.join("")).toBe(" Once upon a time, a ");
  });

  it("ends a stream the worker breaks off with an error chunk, never a silent truncation", async () => {
    const chunks = await chunksOf(await post("/v1/completions", key, { model: "unmask-ar", prompt: "[[break]]", max_tokens: 8, stream: true }));
    expect(chunks).not.toContain("[DONE]");
    expect(JSON.parse(chunks.at(-1)!)).toMatchObject({ error: { code: "upstream_interrupted", type: "server_error" } });
  });
});

type Completion = { choices: Array<{ text: string; index: number; finish_reason: string | null }>; usage?: Record<string, number> | null };
const streamedChunks = async (call: EdgeCall): Promise<Completion[]> => {
  const chunks = await chunksOf(call);
  expect(chunks.at(-1)).toBe("[DONE]");
  return chunks.slice(0, -1).map((chunk) => JSON.parse(chunk) as Completion);
};
const textsByIndex = (chunks: Completion[]): string[] => {
  const texts: string[] = [];
  for (const { choices } of chunks) for (const { index, text } of choices) texts[index] = (texts[index] ?? "") + text;
  return texts;
};

describe("n, prompt arrays and echo on POST /v1/completions", () => {
  it("answers P×n choices indexed prompt × n + j, one worker request each, usage summed, seeds seed + index", async () => {
    const requestId = uniqueId();
    const { response } = await post("/v1/completions", key, { model: "unmask-ar", prompt: ["Go", "Run away"], n: 2, max_tokens: 3, seed: 7 }, {}, requestId);
    expect(response.status).toBe(200);
    const body = await response.json<Completion>();
    expect(body.choices).toEqual([0, 1, 2, 3].map((index) => ({ text: " Once upon", index, logprobs: null, finish_reason: "length" })));
    const one = await (await post("/v1/completions", key, { model: "unmask-ar", prompt: "Run away", max_tokens: 3 })).response.json<Completion>();
    const first = await (await post("/v1/completions", key, { model: "unmask-ar", prompt: "Go", max_tokens: 3 })).response.json<Completion>();
    expect(body.usage!.prompt_tokens).toBe(2 * first.usage!.prompt_tokens! + 2 * one.usage!.prompt_tokens!);
    expect(body.usage!.completion_tokens).toBe(12);
    const received = await recordedFor(requestId);
    expect(received.map(({ body: sent }) => [sent.prompt, sent.seed]).sort()).toEqual([["Go", 7], ["Go", 8], ["Run away", 10], ["Run away", 9]]);
  });

  it("gives the choices seeds 0, 1, 2 (core's default seed plus the index) when no seed is given, so they differ", async () => {
    const requestId = uniqueId();
    await post("/v1/completions", key, { model: "unmask-diffusion", prompt: "Go", n: 3, max_tokens: 8 }, {}, requestId);
    expect((await recordedFor(requestId)).map(({ body: sent }) => sent.seed).sort()).toEqual([0, 1, 2]);
  });

  it("prepends the prompt to each choice with echo, plain and streaming", async () => {
    const plain = await (await post("/v1/completions", key, { model: "unmask-ar", prompt: ["Go", "Stay"], max_tokens: 3, echo: true })).response.json<Completion>();
    expect(plain.choices.map(({ text }) => text)).toEqual(["Go Once upon", "Stay Once upon"]);
    const chunks = await streamedChunks(await post("/v1/completions", key, { model: "unmask-diffusion", prompt: "Go", max_tokens: 32, echo: true, stream: true }));
    expect(chunks[0]!.choices[0]!.text.startsWith("Go")).toBe(true);
    expect(textsByIndex(chunks)).toEqual([`Go${ANSWER}`]);
  });

  it("interleaves the chunks of all choices in one stream, each with its index, then one summed usage chunk", async () => {
    const chunks = await streamedChunks(await post("/v1/completions", key, {
      model: "unmask-ar", prompt: "Go", n: 3, max_tokens: 32, stream: true, stream_options: { include_usage: true },
    }));
    const usageChunk = chunks.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ completion_tokens: 3 * ANSWER_TOKENS });
    const textChunks = chunks.slice(0, -1);
    expect(textsByIndex(textChunks)).toEqual([ANSWER, ANSWER, ANSWER]);
    expect(textChunks.filter(({ choices }) => choices[0]!.finish_reason !== null).map(({ choices }) => choices[0]!.index).sort()).toEqual([0, 1, 2]);
    expect(textChunks.every(({ usage }) => usage === null)).toBe(true);
  });

  it("sends the usage chunk when asked even when a stop sequence cut the text, with echo, and never when not asked", async () => {
    const cut = await streamedChunks(await post("/v1/completions", key, {
      model: "unmask-ar", prompt: "Go", max_tokens: 32, stop: "fox", echo: true, stream: true, stream_options: { include_usage: true },
    }));
    expect(textsByIndex(cut)).toEqual(["Go Once upon a time, a small "]);
    expect(cut.at(-1)!.usage).toMatchObject({ completion_tokens: ANSWER_TOKENS });
    const unasked = await streamedChunks(await post("/v1/completions", key, { model: "unmask-ar", prompt: "Go", n: 2, max_tokens: 8, stream: true }));
    expect(unasked.every((chunk) => chunk.usage === undefined && chunk.choices.length === 1)).toBe(true);
  });

  it("ends the stream with an error event when one choice's generation breaks off, never a silently missing choice", async () => {
    const chunks = await chunksOf(await post("/v1/completions", key, { model: "unmask-ar", prompt: ["Go", "[[break]]"], max_tokens: 8, stream: true }));
    expect(chunks).not.toContain("[DONE]");
    expect(JSON.parse(chunks.at(-1)!)).toMatchObject({ error: { code: "upstream_interrupted" } });
  });

  it("refuses the whole request when the worker refuses one prompt", async () => {
    const { response } = await post("/v1/completions", key, { model: "unmask-diffusion", prompt: ["Go", "[[reject]]"], max_tokens: 8 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_parameter", field: "block_length" } });
  });

  it.each([
    [{ n: 0 }, "n"], [{ n: 9 }, "n"], [{ n: 1.5 }, "n"], [{ n: 8, prompt: ["a", "b", "c"] }, "n"],
    [{ prompt: [] }, "prompt"], [{ prompt: [1, 2, 3] }, "prompt"], [{ prompt: [[1, 2]] }, "prompt"],
    [{ prompt: Array(17).fill("a") }, "prompt"], [{ echo: "yes" }, "echo"],
  ])("refuses %j with a 400 naming %s", async (fields, field) => {
    const { response } = await post("/v1/completions", key, { model: "unmask-ar", prompt: "Go", max_tokens: 4, ...fields });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_parameter", field } });
  });

  it("reserves all P×n generations in one admission: a key whose tokens per minute fit one choice is refused for n = 4", async () => {
    const { key: small } = await createKey({ tokensPerMinute: 40 });
    const { response } = await post("/v1/completions", small, { model: "unmask-ar", prompt: "Go", n: 4, max_tokens: 16 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "request_exceeds_token_limit" } });
    expect((await post("/v1/completions", small, { model: "unmask-ar", prompt: "Go", max_tokens: 16 })).response.status).toBe(200);
  });
});

describe("POST /v1/chat/completions", () => {
  const messages = [{ role: "user", content: "Tell me a story" }];

  it.each(["unmask-diffusion", "unmask-diffusion-fast", "unmask-ar"])("refuses %s with model_has_no_chat_template, pointing to /v1/completions", async (model) => {
    const { response } = await post("/v1/chat/completions", key, { model, messages, temperature: 0.7 });
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { code: string; message: string; field: string } }>();
    expect(error).toMatchObject({ code: "model_has_no_chat_template", field: "model", type: "invalid_request_error" });
    expect(error.message).toContain("/v1/completions");
  });

  it("still checks the key, the model and the body first", async () => {
    const noKey = await callEdge("/v1/chat/completions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ model: "unmask-ar", messages }) });
    expect(noKey.response.status).toBe(401);
    const unknown = await post("/v1/chat/completions", key, { model: "gpt-4o", messages });
    expect(await unknown.response.json()).toMatchObject({ error: { code: "unknown_model", field: "model" } });
    const noMessages = await post("/v1/chat/completions", key, { model: "unmask-ar" });
    expect(await noMessages.response.json()).toMatchObject({ error: { code: "invalid_parameter", field: "messages" } });
  });
});

describe("the openai npm client, unmodified", () => {
  const client = () =>
    new OpenAI({
      apiKey: key,
      baseURL: "https://edge.test/v1",
      maxRetries: 0,
      fetch: async (url, init) => (await callEdge(new URL(String(url)).pathname, init as RequestInit)).response,
    });

  it("gets a completion", async () => {
    const completion = await client().completions.create({ model: "unmask-diffusion", prompt: "Once", max_tokens: 32 });
    expect(completion.choices[0]?.text).toBe(ANSWER);
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("streams a completion", async () => {
    const stream = await client().completions.create({
      model: "unmask-diffusion", prompt: "Once", max_tokens: 32, stream: true, stream_options: { include_usage: true },
    });
    let text = "";
    let usage: unknown = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? "";
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(ANSWER);
    expect(usage).toMatchObject({ prompt_tokens: expect.any(Number) });
  });

  it("lists the models", async () => {
    const models = await client().models.list();
    expect(models.data.map((model) => model.id)).toEqual(["unmask-diffusion", "unmask-diffusion-fast", "unmask-ar"]);
  });

  it("gets the chat completions refusal as a typed 400", async () => {
    await expect(client().chat.completions.create({ model: "unmask-ar", messages: [{ role: "user", content: "Hi" }] })).rejects.toMatchObject({
      status: 400, code: "model_has_no_chat_template",
    });
  });

  it("surfaces the edge's errors as typed API errors", async () => {
    await expect(client().completions.create({ model: "unmask-diffusion", prompt: "x", max_tokens: 4, n: 9 })).rejects.toMatchObject({
      status: 400, code: "invalid_parameter",
    });
  });
});
