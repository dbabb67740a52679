import { beforeAll, describe, expect, it } from "vitest";
import { callEdge, createKey, keyHeaders } from "./support/edge.js";

let key: string;
beforeAll(async () => {
  ({ key } = await createKey());
});

/** A streamed (chunked, no Content-Length) body of `chunks` × `chunkBytes` that records how far it was read. */
const trackedUpload = (chunks: number, chunkBytes = 64 * 1024) => {
  const state = { sent: 0, finished: false };
  const chunk = new TextEncoder().encode("x".repeat(chunkBytes));
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.sent === chunks) {
        state.finished = true;
        controller.close();
        return;
      }
      state.sent += 1;
      controller.enqueue(chunk);
    },
  });
  return { body, state };
};

const errorOf = async (response: Response) => {
  expect(response.headers.get("content-type")).toContain("application/json");
  return (await response.json<{ error: { code: string; message: string } }>()).error;
};

describe("hostile request bodies", () => {
  it("a streamed 2 MiB body: 413 body_too_large, and the upload is read to its end before the answer", async () => {
    const upload = trackedUpload(32);
    const { response } = await callEdge("/v1/completions", { method: "POST", headers: keyHeaders(key), body: upload.body, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
    expect(await errorOf(response)).toMatchObject({ code: "body_too_large" });
    expect(upload.state).toEqual({ sent: 32, finished: true });
  });

  it("a streamed body far beyond what is worth reading is cut off after 8 MiB", async () => {
    const upload = trackedUpload(1024);
    const { response } = await callEdge("/v1/completions", { method: "POST", headers: keyHeaders(key), body: upload.body, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
    expect(upload.state.finished).toBe(false);
    expect(upload.state.sent).toBeLessThan(200);
  });

  it("a body the edge refuses unread (a bad key) is still read to its end", async () => {
    const upload = trackedUpload(8, 4 * 1024);
    const { response } = await callEdge("/v1/completions", {
      method: "POST", headers: { ...keyHeaders(key), Authorization: "Bearer nope" }, body: upload.body, duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(401);
    expect(upload.state.finished).toBe(true);
  });

  it("a streamed body under the limit is used as if its length had been declared", async () => {
    const { response } = await callEdge("/v1/completions", {
      method: "POST", headers: keyHeaders(key),
      body: new Blob([JSON.stringify({ model: "unmask-ar", prompt: "Hi", max_tokens: 2 })]).stream(), duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(200);
  });

  it("invalid UTF-8 in a JSON body: 400 invalid_json, never a prompt with U+FFFD", async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"model":"unmask-ar","prompt":"a'), 0xff, 0xfe, 0xc3, ...new TextEncoder().encode('","max_tokens":2}'),
    ]);
    const { response } = await callEdge("/v1/completions", { method: "POST", headers: keyHeaders(key), body: bytes });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "invalid_json", message: "The request body is not valid UTF-8." });
  });

  it("JSON nested 20,000 deep: 400 naming the field, not a stack overflow", async () => {
    const nested = "[".repeat(20_000) + "]".repeat(20_000);
    const { response } = await callEdge("/v1/completions", {
      method: "POST", headers: keyHeaders(key), body: `{"model":"unmask-ar","prompt":${nested}}`,
    });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "invalid_parameter" });
  });
});

describe("hostile request headers", () => {
  it("headers over 32 KiB in total: 431 headers_too_large", async () => {
    const { response } = await callEdge("/v1/models", { headers: { ...keyHeaders(key), "X-Padding": "a".repeat(40 * 1024) } });
    expect(response.status).toBe(431);
    expect(await errorOf(response)).toMatchObject({ code: "headers_too_large" });
  });

  it("ordinary headers pass", async () => {
    const { response } = await callEdge("/v1/models", { headers: { ...keyHeaders(key), "X-Padding": "a".repeat(8 * 1024) } });
    expect(response.status).toBe(200);
  });
});
