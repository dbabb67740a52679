import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index.js";
import type { KeyLimits } from "../../src/limits/keyLimits.js";
import type { RecordedRequest } from "./fakeOrigins.js";

export { env };

export interface EdgeCall {
  response: Response;
  /** Resolves once the request's `waitUntil` work (usage metering) has run. */
  settled: () => Promise<void>;
}

/** Calls the edge worker in this workerd, optionally with some bindings replaced. */
export const callEdge = async (path: string, init: RequestInit = {}, overrides: Partial<Cloudflare.Env> = {}): Promise<EdgeCall> => {
  const { response, settled } = startEdgeCall(path, init, overrides);
  return { response: await response, settled };
};

/** Like `callEdge`, without waiting for the response: for a client that leaves before its answer (`init.signal`). */
export const startEdgeCall = (path: string, init: RequestInit = {}, overrides: Partial<Cloudflare.Env> = {}) => {
  const ctx = createExecutionContext();
  const response = worker.fetch(new Request(`https://edge.test${path}`, init), { ...env, ...overrides }, ctx);
  return { response, settled: () => waitOnExecutionContext(ctx) };
};

export const adminHeaders = { Authorization: `Bearer ${env.ADMIN_SECRET}`, "Content-Type": "application/json" };

export interface CreatedKey {
  id: string;
  key: string;
  limits: KeyLimits;
}

export const createKey = async (limits: Partial<KeyLimits> = {}, name = "test"): Promise<CreatedKey> => {
  const { response } = await callEdge("/admin/keys", { method: "POST", headers: adminHeaders, body: JSON.stringify({ name, limits }) });
  if (response.status !== 201) throw new Error(`creating a key failed: ${response.status} ${await response.text()}`);
  return response.json<CreatedKey>();
};

export const keyHeaders = (key: string, requestId?: string): Record<string, string> => ({
  Authorization: `Bearer ${key}`,
  "Content-Type": "application/json",
  ...(requestId === undefined ? {} : { "X-Request-Id": requestId }),
});

/** POSTs a JSON body with a key. */
export const post = (path: string, key: string, body: unknown, overrides: Partial<Cloudflare.Env> = {}, requestId?: string) =>
  callEdge(path, { method: "POST", headers: keyHeaders(key, requestId), body: JSON.stringify(body) }, overrides);

/** What the healthy test-double origin received for `requestId`. */
export const recordedFor = async (requestId: string): Promise<RecordedRequest[]> => {
  const response = await fetch(`${env.FAKE_ORIGINS.healthy}/__test__/requests`);
  return (await response.json<RecordedRequest[]>()).filter((request) => request.requestId === requestId);
};

/** The server-sent events of a body, in order (comments dropped). */
export const readEvents = async (response: Response): Promise<Array<{ event: string | null; data: string }>> =>
  (await response.text())
    .split("\n\n")
    .filter((block) => block.trim() !== "" && !block.startsWith(":"))
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice(7) ?? null;
      const data = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
      return { event, data };
    });

export const uniqueId = (): string => crypto.randomUUID();
