import { REQUEST_ID_HEADER } from "@unmask/wire";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EdgeStack, startEdgeStack } from "./support/edgeStack.js";

/**
 * Hostile requests against `wrangler dev` (real workerd) in front of the real gpu-worker, each one
 * followed at once by an ordinary completion: the hostile one gets a 4xx JSON error, the next one
 * its 200, on the same machine a few milliseconds later.
 */

let stack: EdgeStack;
let edgeUrl: string;
let key: string;

beforeAll(async () => {
  stack = await startEdgeStack({ MAX_TOKENS: "250" });
  edgeUrl = stack.edgeUrl;
  key = await stack.createKey("hostile", { requestsPerMinute: 1000, tokensPerMinute: 1_000_000, concurrentRequests: 8 });
});

afterAll(() => stack?.close());

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const answerOf = async (response: Response): Promise<Answer> => ({
  status: response.status,
  headers: Object.fromEntries(response.headers),
  body: await response.text(),
});

const keyHeaders = () => ({ Authorization: `Bearer ${key}`, "Content-Type": "application/json" });

const post = (path: string, body: string | Buffer | ReadableStream<Uint8Array>, headers: Record<string, string> = keyHeaders()) =>
  fetch(`${edgeUrl}${path}`, { method: "POST", headers, body, duplex: "half" } as RequestInit).then(answerOf);

/** Sends `request` as it is over a fresh TCP connection and reads one response (Content-Length framed). */
const rawRequest = (request: string) =>
  new Promise<Answer>((resolve, reject) => {
    const socket = connect(stack.edgePort, "127.0.0.1", () => socket.write(request));
    let received = Buffer.alloc(0);
    const finish = () => {
      const text = received.toString("latin1");
      const headerEnd = text.indexOf("\r\n\r\n");
      if (headerEnd === -1) return false;
      const [statusLine = "", ...lines] = text.slice(0, headerEnd).split("\r\n");
      const headers = Object.fromEntries(lines.map((line) => {
        const colon = line.indexOf(":");
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      }));
      const body = received.subarray(headerEnd + 4);
      if (headers["content-length"] !== undefined && body.length < Number(headers["content-length"])) return false;
      socket.destroy();
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: body.toString("utf8") });
      return true;
    };
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      finish();
    });
    socket.on("end", () => finish() || reject(new Error(`incomplete response: ${received.toString("latin1").slice(0, 200)}`)));
    socket.on("error", reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error("no response within 10 s")));
  });

/** A streamed body (chunked, no Content-Length) of `bytes` bytes in 64 KiB chunks. */
const streamedBody = (bytes: number) => {
  const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
};

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const invalidUtf8 = Buffer.concat([
  Buffer.from('{"model":"unmask-ar","prompt":"a'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","max_tokens":2}'),
]);

/** The ordinary request that follows each hostile one. */
const expectNextRequestServed = async () => {
  const answer = await post("/v1/completions", JSON.stringify({ model: "unmask-ar", prompt: "Once upon a time", max_tokens: 2 }));
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body)).toMatchObject({ object: "text_completion", usage: { completion_tokens: expect.any(Number) } });
};

const hostile: Array<[string, () => Promise<Answer>, number, string]> = [
  ["a 2 MiB body with its Content-Length", () => post("/v1/completions", JSON.stringify({ prompt: "x".repeat(2 * 1024 * 1024) })), 413, "body_too_large"],
  ["a 2 MiB body streamed without a length", () => post("/v1/completions", streamedBody(2 * 1024 * 1024)), 413, "body_too_large"],
  ["a 2 MiB body on an unauthenticated admin call", () => post("/admin/keys", streamedBody(2 * 1024 * 1024), { Authorization: "Bearer wrong" }), 413, "body_too_large"],
  ["malformed JSON", () => post("/v1/completions", '{"model": "unmask-ar", "prompt": '), 400, "invalid_json"],
  ["an empty body", () => post("/v1/completions", ""), 400, "invalid_json"],
  ["invalid UTF-8 inside JSON", () => post("/v1/completions", invalidUtf8), 400, "invalid_json"],
  ["a text/plain body", () => post("/v1/completions", "{}", { ...keyHeaders(), "Content-Type": "text/plain" }), 415, "unsupported_media_type"],
  ["a body without Content-Type", () => post("/v1/completions", "{}", { Authorization: `Bearer ${key}` }), 415, "unsupported_media_type"],
  ["JSON nested 20,000 deep", () => post("/v1/completions", `{"model":"unmask-ar","prompt":${nested(20_000)}}`), 400, "invalid_parameter"],
  ["deep nesting in an unknown field of the native endpoint", () => post("/v1/generate", `{"prompt":"hi","maxTokens":2,"x":${nested(20_000)}}`), 400, "invalid_parameter"],
  ["a JSON array body", () => post("/v1/completions", "[1, 2, 3]"), 400, "invalid_parameter"],
  ["a __proto__ key", () => post("/v1/completions", '{"__proto__":{"admin":true},"model":"unmask-ar","prompt":"hi"}'), 400, "invalid_parameter"],
  ["max_tokens of 1e400", () => post("/v1/completions", '{"model":"unmask-ar","prompt":"hi","max_tokens":1e400}'), 400, "invalid_parameter"],
  ["64 KiB of headers", () => fetch(`${edgeUrl}/v1/models`, { headers: { ...keyHeaders(), "X-Padding": "a".repeat(64 * 1024) } }).then(answerOf), 431, "headers_too_large"],
  ["a 5,000-character API key", () => post("/v1/completions", "{}", { ...keyHeaders(), Authorization: `Bearer umk_${"z".repeat(5000)}` }), 401, "invalid_api_key"],
  ["a path with invalid percent-encoding", () => fetch(`${edgeUrl}/v1/%ff%00`, { headers: keyHeaders() }).then(answerOf), 404, "not_found"],
  ["a DELETE on the completions route", () => fetch(`${edgeUrl}/v1/completions`, { method: "DELETE", headers: keyHeaders() }).then(answerOf), 404, "not_found"],
  ["both Content-Length and Transfer-Encoding (raw)", () =>
    rawRequest(`POST /admin/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n`), 401, "invalid_admin_secret"],
];

describe("a hostile request gets a 4xx JSON error and leaves the next request unharmed", () => {
  it.each(hostile)("%s", async (_name, send, status, code) => {
    const answer = await send();
    expect(answer.status).toBe(status);
    expect(answer.headers["content-type"]).toContain("application/json");
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code, message: expect.any(String) } });
    await expectNextRequestServed();
  });
});

describe("requests workerd's own HTTP server refuses before any Worker code runs (no X-Request-Id)", () => {
  // workerd parses the request target in origin form only: an absolute-form or asterisk-form
  // target, or headers past its own cap, are answered by workerd itself in plain text (500, 431).
  // No Worker can see them; what the edge guarantees is that the next request is served.
  it.each([
    ["an absolute-form target", `GET http://127.0.0.1/admin/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`],
    ["an asterisk-form target", `OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`],
    ["200 KiB of headers", `GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${"a".repeat(200 * 1024)}\r\nConnection: close\r\n\r\n`],
  ])("%s", async (_name, request) => {
    const answer = await rawRequest(request);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.headers[REQUEST_ID_HEADER]).toBeUndefined();
    await expectNextRequestServed();
  });
});

describe("prompts that spell special tokens, through the edge to the real worker", () => {
  const SPECIAL_TOKEN_TEXT = "a [MASK] b <|endoftext|>";

  it.each([false, true])("completes with 200 (stream: %s), no error event", async (stream) => {
    const answer = await post("/v1/completions", JSON.stringify({ model: "unmask-diffusion", prompt: SPECIAL_TOKEN_TEXT, max_tokens: 8, steps: 4, stream }));
    expect(answer.status).toBe(200);
    expect(answer.body).not.toContain('"error"');
    if (stream) expect(answer.body.trim().endsWith("data: [DONE]")).toBe(true);
  });

  it("the edge counts the prompt as the worker does: max_tokens filling the context exactly passes, one more is refused", async () => {
    const ask = (maxTokens: number) =>
      post("/v1/completions", JSON.stringify({ model: "unmask-ar", prompt: SPECIAL_TOKEN_TEXT, max_tokens: maxTokens }));
    const counted = await ask(1);
    expect(counted.status).toBe(200);
    const promptTokens = (JSON.parse(counted.body) as { usage: { prompt_tokens: number } }).usage.prompt_tokens;
    const fits = 256 - 1 - promptTokens;
    expect((await ask(fits)).status).toBe(200);
    const over = await ask(fits + 1);
    expect(over.status).toBe(400);
    expect(JSON.parse(over.body)).toMatchObject({ error: { code: "context_length_exceeded" } });
  });
});
