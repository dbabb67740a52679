import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
export const stateDir = join(repoRoot, ".unmask");
const stackFile = join(stateDir, "stack.json");

/** `.unmask/stack.json`, written by scripts/start.mjs once the edge answers and the development key exists. */
export interface Stack {
  edgeUrl: string;
  workerUrl: string;
  apiKey: string;
  adminSecret: string;
  signingSecret: string;
  pid: number;
}

export interface RunningStack {
  readonly stack: Stack;
  /** start.mjs, the leader of the stack's process group. */
  readonly process: ChildProcess;
  /** Everything the stack printed. */
  readonly logFile: string;
  /** SIGTERM to the whole group (start.mjs, the worker, npx, wrangler, workerd), SIGKILL after 10 s. */
  readonly stop: () => Promise<void>;
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const stopGroup = async (child: ChildProcess) => {
  if (child.pid === undefined) return;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  // start.mjs may have exited by itself (a failure) and left workerd behind in its group.
  if (child.exitCode !== null || child.signalCode !== null) return killGroup("SIGKILL");
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  killGroup("SIGTERM");
  const timer = setTimeout(() => killGroup("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
  killGroup("SIGKILL"); // stragglers that ignored SIGTERM
};

/**
 * Runs `node scripts/start.mjs` on free ports in its own process group, its output in
 * `<artifacts>/stack.log`, and waits until it has written a stack file with its own pid (not a stale
 * one) and finished its demo completion (a worker killed during that one stops npm start).
 */
export const startNpmStack = async (artifacts: string, seconds = 240): Promise<RunningStack> => {
  mkdirSync(artifacts, { recursive: true });
  const logFile = join(artifacts, "stack.log");
  const log = createWriteStream(logFile);
  const [workerPort, edgePort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: repoRoot,
    env: { ...process.env, WORKER_PORT: String(workerPort), EDGE_PORT: String(edgePort) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}; see ${logFile}`);
    if (existsSync(stackFile) && readFileSync(logFile, "utf8").includes("Unmask is up.")) {
      try {
        const stack = JSON.parse(readFileSync(stackFile, "utf8")) as Stack;
        if (stack.pid === child.pid) return { stack, process: child, logFile, stop: () => stopGroup(child) };
      } catch {
        // being written
      }
    }
    await sleep(500);
  }
  await stopGroup(child);
  throw new Error(`npm start was not up within ${seconds} s; see ${logFile}`);
};
