import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

/** The built command, as `npm run generate` and the `unmask` bin run it. */
export const CLI = fileURLToPath(new URL("../../bin/unmask.js", import.meta.url))

export interface CliRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** The environment the CLI runs with: no colours, no secret, nothing inherited that changes its output. */
export const cliEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const { EDGE_SHARED_SECRET: _secret, NO_COLOR: _noColor, ...rest } = process.env
  return { ...rest, ...extra }
}

export const spawnCli = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = cliEnv()): ChildProcess =>
  spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] })

/** Runs the CLI to completion (stdout is a pipe, so: plain output). */
export const runCli = (args: ReadonlyArray<string>, env?: NodeJS.ProcessEnv): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    const child = spawnCli(args, env)
    let stdout = ""
    let stderr = ""
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  })

/** Timings vary run to run: replaced by placeholders for snapshots. */
export const maskTimings = (text: string): string =>
  text
    .replace(/wall=\d+\.\d+s/g, "wall=<s>")
    .replace(/first_frame=\d+\.\d+s/g, "first_frame=<s>")
    .replace(/tokens_per_s=\d+\.\d+/g, "tokens_per_s=<n>")
    .replace(/\d+\.\d\d s/g, "<s>")
    .replace(/ +\d+\.\d(\n|$)/g, " <n>$1")
    .replace(/\d+\.\d\d× the tokens\/s/g, "<x> the tokens/s")

/** `unmask_model_calls_total`, all graphs summed, from a worker's /metrics. */
export const modelCalls = async (workerUrl: string): Promise<number> => {
  const text = await (await fetch(`${workerUrl}/metrics`)).text()
  return text
    .split("\n")
    .filter((line) => line.startsWith("unmask_model_calls_total"))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0)
}
