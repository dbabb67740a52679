import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EdgeStack, startEdgeStack } from "./support/edge-stack.js";

/** The OpenAI API surface (issue #14) through the unmodified `openai` SDK: edge in workerd, the real worker, onnxruntime. */
let stack: EdgeStack;
let client: OpenAI;

beforeAll(async () => {
  stack = await startEdgeStack();
  const response = await fetch(`${stack.edgeUrl}/admin/keys`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.adminSecret}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "openai-surface" }),
  });
  expect(response.status).toBe(201);
  const { key } = (await response.json()) as { key: string };
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
});
