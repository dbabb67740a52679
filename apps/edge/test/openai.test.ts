import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { type EdgeCall, callEdge, createKey, post, readEvents, uniqueId } from "./support/edge.js";

/** The test double's canned answer (test/support/fake-worker-origin.ts). */
const ANSWER = " Once upon a time, a small fox found a red ball in the snow.";

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
    await expect(client().completions.create({ model: "unmask-diffusion", prompt: "x", max_tokens: 4, n: 3 })).rejects.toMatchObject({
      status: 400, code: "invalid_parameter",
    });
  });
});
