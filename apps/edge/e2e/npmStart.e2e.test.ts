import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, type RunningStack, type Stack, startNpmStack, stateDir } from "./support/npmStartStack.js";

/**
 * `npm start`'s stack as a user runs it (scripts/start.mjs: tsc build, gpu-worker, wrangler dev):
 * its secrets stay off every command line and out of other users' reach, and a worker killed with
 * SIGKILL is restarted so that later requests through the edge succeed again.
 * The stack's output goes to test-artifacts/npm-start/stack.log.
 */

const artifacts = join(repoRoot, "test-artifacts/npm-start");

let running: RunningStack;
let stack: Stack;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The processes of the stack's process group (start.mjs leads it), with their command lines. */
const stackProcesses = (): Array<{ pid: number; commandLine: string }> =>
  readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const processGroup = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (processGroup !== running.process.pid) return [];
      return [{ pid: Number(entry), commandLine: readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ") }];
    } catch {
      return []; // exited meanwhile
    }
  });

const workerPid = () => stackProcesses().find((p) => p.commandLine.includes("apps/gpu-worker/dist/main.js"))?.pid;

const complete = () =>
  fetch(`${stack.edgeUrl}/v1/completions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ model: "unmask-diffusion", prompt: "Once upon a time", max_tokens: 8, steps: 4 }),
  });

beforeAll(async () => {
  running = await startNpmStack(artifacts);
  stack = running.stack;
});

afterAll(() => running?.stop());

describe("npm start's secrets", () => {
  it("are on no command line of the stack (what ps shows every user)", () => {
    const processes = stackProcesses();
    expect(processes.some((p) => p.commandLine.includes("wrangler"))).toBe(true);
    expect(processes.some((p) => p.commandLine.includes("apps/gpu-worker/dist/main.js"))).toBe(true);
    for (const { commandLine } of processes) {
      expect(commandLine).not.toContain(stack.signingSecret);
      expect(commandLine).not.toContain(stack.adminSecret);
    }
  });

  it("are in files only this user can read: .unmask/ 0700, its files 0600", () => {
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    const files = readdirSync(stateDir);
    expect(files).toContain("stack.json");
    for (const file of files) expect(statSync(join(stateDir, file)).mode & 0o777).toBe(0o600);
  });
});

describe("a worker killed under npm start", () => {
  it("is restarted (logged, with backoff), and a later request through the edge succeeds", async () => {
    expect((await complete()).status).toBe(200);
    const killed = workerPid();
    expect(killed).toBeDefined();
    process.kill(killed!, "SIGKILL");

    let status = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      status = (await complete()).status;
      if (status === 200) break;
      await sleep(500);
    }
    expect(status).toBe(200);
    expect(workerPid()).not.toBe(killed);
    const log = readFileSync(running.logFile, "utf8");
    expect(log).toMatch(/\[start\] worker exited \(code null, signal SIGKILL\) after \d+ ms; restart 1 in 500 ms/);
    expect(log).toContain("[start] worker restarted");
    expect(running.process.exitCode).toBeNull();
  });
});
