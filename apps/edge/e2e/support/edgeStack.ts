import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Environment, type RunningWorker, startWorker } from "@unmask/gpu-worker";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** The real gpu-worker on the shipped models behind `wrangler dev` (real workerd), on free loopback ports. */
export interface EdgeStack {
  readonly edgeUrl: string;
  readonly edgePort: number;
  /** wrangler dev's inspector for the edge's isolate (Chrome DevTools Protocol). */
  readonly inspectorUrl: string;
  readonly adminSecret: string;
  readonly worker: RunningWorker;
  /** A new API key (through the admin API) with these limits over the defaults. */
  readonly createKey: (name: string, limits?: Readonly<Record<string, number>>) => Promise<string>;
  readonly close: () => Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const waitForOk = async (url: string, seconds: number) => {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} not ready after ${seconds} s`);
};

/** `originsBefore`: origins listed ahead of the real worker in WORKER_ORIGINS (fault injection). */
export const startEdgeStack = async (workerEnv: Environment = {}, options: { readonly originsBefore?: readonly string[] } = {}): Promise<EdgeStack> => {
  const signingSecret = randomBytes(32).toString("hex");
  const adminSecret = randomBytes(32).toString("hex");
  const worker = await startWorker({ env: { PORT: "0", HOST: "127.0.0.1", EDGE_SHARED_SECRET: signingSecret, ...workerEnv } });
  const edgePort = await freePort();
  const edgeUrl = `http://127.0.0.1:${edgePort}`;
  const inspectorPort = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), "unmask-e2e-"));
  const edge: ChildProcess = spawn(
    join(repoRoot, "node_modules/.bin/wrangler"),
    ["dev", "--ip", "127.0.0.1", "--port", String(edgePort), "--inspector-port", String(inspectorPort), "--persist-to", stateDir,
      "--var", `WORKER_SIGNING_SECRET:${signingSecret}`, "--var", `ADMIN_SECRET:${adminSecret}`, "--var", `WORKER_ORIGINS:${[...(options.originsBefore ?? []), worker.url].join(",")}`],
    { cwd: repoRoot, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" }, stdio: "ignore" },
  );
  const close = async () => {
    edge.kill("SIGTERM");
    await worker.close();
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await waitForOk(`${edgeUrl}/healthz`, 240);
  } catch (error) {
    await close();
    throw error;
  }
  const createKey = async (name: string, limits: Readonly<Record<string, number>> = {}) => {
    const response = await fetch(`${edgeUrl}/admin/keys`, {
      method: "POST",
      headers: { Authorization: `Bearer ${adminSecret}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name, limits }),
    });
    if (response.status !== 201) throw new Error(`POST /admin/keys answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { key: string }).key;
  };
  return { edgeUrl, edgePort, inspectorUrl: `ws://127.0.0.1:${inspectorPort}/ws`, adminSecret, worker, createKey, close };
};
