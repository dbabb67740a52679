/**
 * TEST DOUBLE of a GPU worker, for the edge's own tests only: a real Node HTTP server that speaks
 * the worker contract (apps/edge/README.md, "Worker contract") with canned generations built from
 * the real tokenizer. It verifies the edge's signatures independently (node:crypto, not
 * @unmask/wire), bound to its own origin, and records what it received. The end-to-end suite
 * against the real gpu-worker does not use it.
 *
 * With `logprobs` the answer carries canned scores (`cannedScores`), not a model's.
 * Scenarios are chosen by markers in the prompt: `[[slow]]` streams a frame every 100 ms for
 * 30 s (to observe cancellation), `[[break]]` drops the connection after two frames, `[[reject]]`
 * answers 400 naming `blockLength`.
 */
import { Tokenizer } from "@huggingface/tokenizers";
import { NONCE_HEADER, REQUEST_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "@unmask/wire";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { FAKE_SIGNING_SECRET, type RecordedRequest } from "./fakeOrigins.js";

const ANSWER = " Once upon a time, a small fox found a red ball in the snow.";
const EOS_ID = 4093;
const MASK_ID = 4094;

const tokenizerJson = JSON.parse(readFileSync(fileURLToPath(new URL("../../../../models/tokenizer/tokenizer.json", import.meta.url)), "utf8"));
const tokenizer = new Tokenizer(tokenizerJson, {});
// Like the real worker, prompts are plain text: no added (special) token is matched in them.
const plainTextTokenizer = new Tokenizer({ ...tokenizerJson, added_tokens: [] }, {});
const encode = (text: string): number[] => plainTextTokenizer.encode(text, { add_special_tokens: false }).ids;
const decode = (ids: number[]): string => tokenizer.decode(ids, { skip_special_tokens: true });

const verifySignature = (request: IncomingMessage, path: string, body: string): boolean => {
  const timestamp = String(request.headers[TIMESTAMP_HEADER] ?? "");
  const nonce = String(request.headers[NONCE_HEADER] ?? "");
  const signature = String(request.headers[SIGNATURE_HEADER] ?? "");
  if (Math.abs(Date.now() - Number(timestamp)) > 60_000 || nonce === "") return false;
  const ownOrigin = `http://127.0.0.1:${request.socket.localPort}`;
  const bodyHash = createHash("sha256").update(body).digest("hex");
  const canonical = ["UNMASK-HMAC-SHA256-2", request.method, ownOrigin, path, timestamp, nonce, bodyHash].join("\n");
  const expected = createHmac("sha256", FAKE_SIGNING_SECRET).update(canonical).digest();
  const given = Buffer.from(signature, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
};

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

const json = (response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void => {
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(value));
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A diffusion run: commits positions back to front, so the settled prefix grows only late. */
const diffusionFrames = (answer: number[], maxTokens: number) => {
  const final = [...answer, ...Array(maxTokens).fill(EOS_ID)].slice(0, maxTokens);
  const canvas: number[] = Array(maxTokens).fill(MASK_ID);
  const order = [...final.keys()].reverse();
  const frames = order.map((position, step) => {
    canvas[position] = final[position]!;
    return { step, block: 0, text: decode(canvas), committed: [position], nfe: step + 1, tokens: [...canvas] };
  });
  return { final, frames };
};

const arFrames = (answer: number[], maxTokens: number) => {
  const final = answer.slice(0, maxTokens);
  const frames = final.map((_, step) => ({
    step, block: 0, text: decode(final.slice(0, step + 1)), committed: [step], nfe: step + 1, tokens: final.slice(0, step + 1),
  }));
  return { final, frames };
};

/** Canned per-token scores: token i has logprob −(i + 1)/10 and leads `count` alternatives, each 1 lower than the last. */
const cannedScores = (tokens: number[], count: number) =>
  tokens.map((token, i) => {
    const logprob = -(i + 1) / 10;
    return { token, logprob, top: Array.from({ length: count }, (_, k) => ({ token: k === 0 ? token : (token + k) % EOS_ID, logprob: logprob - k })) };
  });

const generate = async (request: IncomingMessage, response: ServerResponse, body: Record<string, unknown>, record: RecordedRequest) => {
  const prompt = String(body.prompt);
  const maxTokens = Number(body.maxTokens);
  if (prompt.includes("[[reject]]")) {
    return json(response, 400, { error: { code: "invalid_parameter", message: "blockLength (5) must divide maxTokens", field: "blockLength" } });
  }
  const answer = encode(ANSWER);
  const { final, frames } = body.mode === "ar" ? arFrames(answer, maxTokens) : diffusionFrames(answer, maxTokens);
  const eos = final.indexOf(EOS_ID);
  const generated = eos === -1 ? final : final.slice(0, eos);
  const done = {
    text: decode(generated),
    tokens: generated,
    finishReason: eos === -1 ? "length" : "eos",
    usage: { promptTokens: encode(prompt).length, completionTokens: generated.length, nfe: frames.length, steps: frames.length, tokensPerForward: final.length / frames.length },
    timings: { queueMs: 1, totalMs: 5, modelMs: 4 },
    ...(typeof body.logprobs === "number" ? { logprobs: cannedScores(generated, body.logprobs) } : {}),
  };
  if (body.stream !== true) return json(response, 200, done);

  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  response.on("close", () => {
    if (!response.writableFinished) record.closedEarly = true;
  });
  const slow = prompt.includes("[[slow]]");
  const repeats = slow ? 300 : 1;
  for (let round = 0; round < repeats && !record.closedEarly; round++) {
    for (const [index, frame] of frames.entries()) {
      if (record.closedEarly) return;
      if (prompt.includes("[[break]]") && index === 2) {
        await sleep(50); // let the first frames reach the edge
        request.socket.destroy();
        return;
      }
      response.write(`event: step\ndata: ${JSON.stringify(frame)}\n\n`);
      if (slow) await sleep(100);
    }
  }
  response.end(`event: done\ndata: ${JSON.stringify(done)}\n\n`);
};

/** The double: a worker answering per the contract, with a `/__test__/requests` log. */
export const startHealthyOrigin = async (): Promise<Server> => {
  const recorded: RecordedRequest[] = [];
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://origin").pathname;
    if (request.method === "GET" && path === "/__test__/requests") return json(response, 200, recorded);
    const raw = await readBody(request);
    const body = raw === "" ? {} : (JSON.parse(raw) as Record<string, unknown>);
    const record: RecordedRequest = {
      requestId: (request.headers[REQUEST_ID_HEADER] as string | undefined) ?? null,
      nonce: (request.headers[NONCE_HEADER] as string | undefined) ?? null,
      path, body, signatureValid: verifySignature(request, path, raw), closedEarly: false,
    };
    recorded.push(record);
    if (!record.signatureValid) return json(response, 401, { error: { code: "bad_signature", message: "Bad or missing edge signature." } });
    if (request.method === "POST" && path === "/v1/generate") return generate(request, response, body, record);
    return json(response, 404, { error: { code: "not_found", message: "No such route." } });
  });
  return listen(server);
};

/** A worker whose queue is always full: 503 with Retry-After. */
export const startBusyOrigin = async (retryAfterSeconds: number): Promise<Server> =>
  listen(createServer((_request, response) =>
    json(response, 503, { error: { code: "queue_full", message: "Queue full." } }, { "Retry-After": String(retryAfterSeconds) })));

/** A hung worker: it accepts connections and reads requests but never answers; only a deadline gets past it. */
export const startSilentOrigin = async (): Promise<Server> => listen(createServer(() => {}));

const listen = (server: Server): Promise<Server> =>
  new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));

export const originOf = (server: Server): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** An origin nobody listens on: connections are refused. */
export const refusedOrigin = async (): Promise<string> => {
  const server = await listen(createServer());
  const origin = originOf(server);
  await new Promise((resolve) => server.close(resolve));
  return origin;
};
