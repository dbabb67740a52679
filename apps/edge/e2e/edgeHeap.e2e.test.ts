import { afterAll, beforeAll, expect, it } from "vitest";
import { type EdgeStack, startEdgeStack } from "./support/edgeStack.js";
import { heapCensus } from "./support/heapCensus.js";

/**
 * What finished generations leave on the edge's heap, counted in heap snapshots of `wrangler dev`
 * (real workerd) in front of the real gpu-worker: nothing per request, whether it completed or the
 * client cancelled its stream after the first chunk. Before the fixes each one stayed for good
 * (bench/README.md, "What the edge's heap held").
 */

const RETAINED = ["UpstreamCall", "workerd / Request", "workerd / Response", "workerd / AbortSignal"] as const;
const GENERATIONS = 20;
/** Objects a snapshot may catch in passing (the census's own inspector request, a timer's callback). */
const SLACK = 2;

let stack: EdgeStack;
let key: string;

beforeAll(async () => {
  stack = await startEdgeStack();
  key = await stack.createKey("heap", { requestsPerMinute: 1000, tokensPerMinute: 1_000_000, concurrentRequests: 4 });
});

afterAll(() => stack?.close());

const generate = (stream: boolean, signal?: AbortSignal) =>
  fetch(`${stack.edgeUrl}/v1/generate`, {
    method: "POST",
    signal,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({ prompt: "Once upon a time", mode: "diffusion", maxTokens: 32, steps: 16, stream }),
  });

const cancelAfterFirstChunk = async () => {
  const client = new AbortController();
  const response = await generate(true, client.signal);
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  await reader.read();
  client.abort();
  await reader.closed.catch(() => {});
};

/** The census once the edge has let go (its cleanup after a disconnect runs after the client's abort), or the last one taken. */
const settledCensus = async (baseline: Record<string, number>) => {
  let census = await heapCensus(stack.inspectorUrl, RETAINED);
  for (let attempt = 0; attempt < 5 && RETAINED.some((name) => census[name]! > baseline[name]! + SLACK); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    census = await heapCensus(stack.inspectorUrl, RETAINED);
  }
  return census;
};

it(`keeps nothing of ${GENERATIONS} completed and ${GENERATIONS} cancelled streams`, async () => {
  await (await generate(false)).text(); // the isolate's first request loads the tokenizer and the routes
  const baseline = await heapCensus(stack.inspectorUrl, RETAINED);
  for (let i = 0; i < GENERATIONS; i++) expect((await generate(false)).status).toBe(200);
  for (let i = 0; i < GENERATIONS; i++) await cancelAfterFirstChunk();
  const after = await settledCensus(baseline);
  for (const name of RETAINED) expect(after[name]! - baseline[name]!, `${name}s left (${baseline[name]} before)`).toBeLessThanOrEqual(SLACK);
});
