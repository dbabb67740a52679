import { spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { Schema } from "effect"

/** `.unmask/stack.json`, written by `npm start` (scripts/start.mjs) once the stack is up. */
export const StackInfo = Schema.Struct({
  edgeUrl: Schema.String,
  workerUrl: Schema.String,
  apiKey: Schema.String,
  adminSecret: Schema.String,
  signingSecret: Schema.String,
  pid: Schema.Int,
})
export type StackInfo = typeof StackInfo.Type

/** What the load test drives: from the environment, a running `npm start`, or one it starts itself. */
export interface StackTarget {
  readonly edgeUrl: string
  readonly workerUrl: string | undefined
  readonly apiKey: string | undefined
  readonly adminSecret: string | undefined
  readonly signingSecret: string | undefined
  /** npm start's pid (its process tree holds the worker and workerd); undefined for BASE_URL. */
  readonly pid: number | undefined
  readonly source: "environment" | "running npm start" | "started by bench:load"
}

export const parseStackInfo = (text: string): StackInfo | undefined => {
  try {
    return Schema.decodeUnknownSync(StackInfo)(JSON.parse(text))
  } catch {
    return undefined
  }
}

/** Whether a process with this id exists (signal 0 only checks). */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

export interface DiscoveryInputs {
  readonly env: Readonly<Record<string, string | undefined>>
  /** The stack file's text, undefined when there is none. */
  readonly stackFile: string | undefined
  readonly alive: (pid: number) => boolean
}

/**
 * BASE_URL (+ UNMASK_API_KEY, WORKER_URL, EDGE_SHARED_SECRET, UNMASK_ADMIN_SECRET) wins; otherwise
 * a stack file whose process is still alive; otherwise undefined (start one). A stack file left
 * behind by a stopped `npm start` has a dead pid and is ignored.
 */
export const discoverStack = ({ env, stackFile, alive }: DiscoveryInputs): StackTarget | undefined => {
  const value = (name: string) => (env[name] === undefined || env[name] === "" ? undefined : env[name])
  const baseUrl = value("BASE_URL")
  if (baseUrl !== undefined) {
    return {
      edgeUrl: baseUrl,
      workerUrl: value("WORKER_URL"),
      apiKey: value("UNMASK_API_KEY"),
      adminSecret: value("UNMASK_ADMIN_SECRET"),
      signingSecret: value("EDGE_SHARED_SECRET"),
      pid: undefined,
      source: "environment",
    }
  }
  const info = stackFile === undefined ? undefined : parseStackInfo(stackFile)
  if (info === undefined || !alive(info.pid)) return undefined
  return { ...info, source: "running npm start" }
}

export const readStackFile = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, "utf8") : undefined)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface StartedStack {
  readonly target: StackTarget
  /** SIGTERM to the whole process group (start.mjs, the worker, wrangler, workerd), SIGKILL if it lingers. */
  readonly stop: () => Promise<void>
}

/**
 * Starts `node scripts/start.mjs` in its own process group and waits until it has written a stack
 * file naming its own pid (written once the edge answers and the development key exists).
 */
export const startStack = async (repoRoot: string, stackFilePath: string, timeoutMs: number, log: (line: string) => void): Promise<StartedStack> => {
  const child = spawn(process.execPath, ["scripts/start.mjs"], { cwd: repoRoot, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  const pid = child.pid
  if (pid === undefined) throw new Error("could not spawn scripts/start.mjs")
  const tail: Array<string> = []
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n").filter(Boolean)) {
      tail.push(line)
      if (tail.length > 40) tail.shift()
    }
  }
  child.stdout.on("data", keep)
  child.stderr.on("data", keep)
  let exited: number | null | undefined
  child.on("exit", (code) => {
    exited = code
  })
  const stop = async () => {
    if (exited !== undefined && !processAlive(pid)) return
    try {
      process.kill(-pid, "SIGTERM")
    } catch { /* already gone */ }
    for (let waited = 0; waited < 10_000 && processAlive(pid); waited += 200) await sleep(200)
    try {
      process.kill(-pid, "SIGKILL")
    } catch { /* the group is gone */ }
  }
  const deadline = Date.now() + timeoutMs
  log(`starting the stack: node scripts/start.mjs (pid ${pid})`)
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`scripts/start.mjs exited (code ${exited}) before the stack was up:\n${tail.join("\n")}`)
    const info = parseStackInfo(readStackFile(stackFilePath) ?? "")
    if (info !== undefined && info.pid === pid) return { target: { ...info, source: "started by bench:load" }, stop }
    await sleep(500)
  }
  await stop()
  throw new Error(`the stack was not up within ${timeoutMs / 1000} s:\n${tail.join("\n")}`)
}
