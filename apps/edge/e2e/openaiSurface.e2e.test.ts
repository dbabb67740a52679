import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EdgeStack, startEdgeStack } from "./support/edgeStack.js";

/** The OpenAI API surface (issue #14) through the unmodified `openai` SDK: edge in workerd, the real worker, onnxruntime. */
let stack: EdgeStack;
let client: OpenAI;

beforeAll(async () => {
  stack = await startEdgeStack();
  const key = await stack.createKey("openai-surface");
  client = new OpenAI({ apiKey: key, baseURL: `${stack.edgeUrl}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await stack?.close();
});

describe("the OpenAI surface through the unmodified SDK", () => {
  it("answers chat completions with 400 model_has_no_chat_template, pointing to /v1/completions", async () => {
    const refusal = client.chat.completions.create({ model: "unmask-diffusion", messages: [{ role: "user", content: "Tell me a story" }] });
    await expect(refusal).rejects.toMatchObject({ status: 400, code: "model_has_no_chat_template" });
    await expect(refusal).rejects.toThrow(/\/v1\/completions/);
  });

  it("answers a prompt array with n choices each, indexed prompt × n + j, seeded seed + index so they differ", async () => {
    const completion = await client.completions.create({ model: "unmask-ar", prompt: ["Once upon a time", "The dog"], n: 2, max_tokens: 8, seed: 5, temperature: 1 });
    expect(completion.choices.map(({ index }) => index)).toEqual([0, 1, 2, 3]);
    // Choice p × n + j is exactly the single completion of prompt p with seed 5 + index.
    const alone = await Promise.all(["Once upon a time", "Once upon a time", "The dog", "The dog"].map((prompt, index) =>
      client.completions.create({ model: "unmask-ar", prompt, max_tokens: 8, seed: 5 + index, temperature: 1 })));
    expect(completion.choices.map(({ text }) => text)).toEqual(alone.map(({ choices }) => choices[0]!.text));
    expect(completion.choices[2]!.text).not.toBe(completion.choices[3]!.text);
    expect(completion.usage!.completion_tokens).toBe(completion.choices.length * 8);
  });

  it("echoes the prompt ahead of each choice", async () => {
    const completion = await client.completions.create({ model: "unmask-diffusion", prompt: "Once upon a time", n: 2, max_tokens: 8, seed: 3, echo: true, ...({ steps: 8 } as object) });
    expect(completion.choices.every(({ text }) => text.startsWith("Once upon a time") && text.length > "Once upon a time".length)).toBe(true);
  });

  it("streams n choices interleaved with their index, and usage on the last chunk when asked (also after a stop sequence)", async () => {
    const stream = await client.completions.create({
      model: "unmask-ar", prompt: "Once upon a time", n: 3, max_tokens: 12, seed: 1, stream: true, stream_options: { include_usage: true }, stop: ["."],
    });
    const texts = ["", "", ""];
    const finished: number[] = [];
    let last: { usage?: unknown; choices: unknown[] } | undefined;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        texts[choice.index] += choice.text;
        if (choice.finish_reason !== null) finished.push(choice.index);
      }
      last = chunk;
    }
    expect(finished.sort()).toEqual([0, 1, 2]);
    expect(texts.every((text) => text.length > 0 && !text.includes("."))).toBe(true);
    expect(last!.choices).toEqual([]);
    expect(last!.usage).toMatchObject({ prompt_tokens: 3 * 4 });

    const unasked = await client.completions.create({ model: "unmask-ar", prompt: "Once upon a time", max_tokens: 4, stream: true });
    for await (const chunk of unasked) expect(chunk.usage ?? null).toBeNull();
  });

  it.each(["unmask-ar", "unmask-diffusion"])("%s scores each generated token with logprobs: texts that join to the choice's text, values ≤ 0", async (model) => {
    const completion = await client.completions.create({ model, prompt: "Once upon a time", max_tokens: 8, logprobs: 2 });
    const [choice] = completion.choices;
    const logprobs = choice!.logprobs!;
    expect(logprobs.tokens!.length).toBeGreaterThan(0);
    expect(logprobs.tokens!.join("")).toBe(choice!.text);
    expect(logprobs.token_logprobs).toHaveLength(logprobs.tokens!.length);
    expect(logprobs.top_logprobs).toHaveLength(logprobs.tokens!.length);
    expect(logprobs.text_offset).toHaveLength(logprobs.tokens!.length);
    expect(logprobs.token_logprobs!.every((logprob) => logprob <= 0)).toBe(true);
    for (const top of logprobs.top_logprobs!) {
      expect(Object.keys(top).length).toBeGreaterThanOrEqual(1);
      expect(Object.values(top).every((logprob) => logprob <= 0)).toBe(true);
    }
    await expect(client.completions.create({ model, prompt: "x", max_tokens: 4, logprobs: 6 })).rejects.toMatchObject({ status: 400, error: { field: "logprobs" } });
  });

  it("refuses bad n and prompt values with a 400 naming the field", async () => {
    await expect(client.completions.create({ model: "unmask-ar", prompt: "x", max_tokens: 4, n: 9 })).rejects.toMatchObject({ status: 400, error: { field: "n" } });
    await expect(client.completions.create({ model: "unmask-ar", prompt: [1, 2, 3], max_tokens: 4 })).rejects.toMatchObject({ status: 400, error: { field: "prompt" } });
  });
});
