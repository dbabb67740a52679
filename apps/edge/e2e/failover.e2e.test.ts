import { type Server, type Socket, createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EdgeStack, startEdgeStack } from "./support/edgeStack.js";

// Fault injection: a worker that accepts TCP connections and never answers a byte sits first in
// WORKER_ORIGINS, the real worker second; wrangler dev runs the edge with wrangler.toml's deadlines.
let silent: Server;
const silentConnections = new Set<Socket>();
let accepted = 0;
let stack: EdgeStack;

beforeAll(async () => {
  silent = createServer((socket) => {
    accepted++;
    silentConnections.add(socket);
    socket.on("close", () => silentConnections.delete(socket));
  });
  const silentPort = await new Promise<number>((resolve) => silent.listen(0, "127.0.0.1", () => resolve((silent.address() as { port: number }).port)));
  stack = await startEdgeStack({}, { originsBefore: [`http://127.0.0.1:${silentPort}`] });
});

afterAll(async () => {
  await stack?.close();
  for (const socket of silentConnections) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
});

describe("a hung worker first in WORKER_ORIGINS", () => {
  it("is passed after its response deadline: the real worker answers, within about 10 s", async () => {
    const key = await stack.createKey("failover");
    const complete = () =>
      fetch(`${stack.edgeUrl}/v1/completions`, {
        method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
        body: JSON.stringify({ model: "unmask-ar", prompt: "Once upon a time", max_tokens: 4 }),
        signal: AbortSignal.timeout(10_000),
      });

    const first = await complete();
    expect(first.status).toBe(200);
    expect(((await first.json()) as { choices: Array<{ text: string }> }).choices[0]!.text.length).toBeGreaterThan(0);
    expect(accepted).toBe(1);

    // Its circuit is open now: the next request goes straight to the real worker.
    const second = await complete();
    expect(second.status).toBe(200);
    await second.arrayBuffer();
    expect(accepted).toBe(1);
  });
});
