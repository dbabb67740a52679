// npm start: the whole stack on this machine with the shipped default models.
// Builds, starts the gpu-worker (onnxruntime) and the edge (wrangler dev, real workerd), creates a
// development API key, runs one diffusion completion through the edge, and prints the key and a
// ready-to-paste curl command. The worker is supervised: if it dies it is restarted with exponential
// backoff. Secrets never go on a command line (`ps` shows those): the worker gets its secret in its
// environment, wrangler reads the edge's from a 0600 file. Ctrl-C stops everything.
import { spawn, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const WORKER_PORT = process.env.WORKER_PORT ?? "8788"
const EDGE_PORT = process.env.EDGE_PORT ?? "8787"
const workerUrl = `http://127.0.0.1:${WORKER_PORT}`
const edgeUrl = `http://127.0.0.1:${EDGE_PORT}`
const signingSecret = randomBytes(32).toString("hex")
const adminSecret = randomBytes(32).toString("hex")
const quiet = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" }
/** Restart delays of a dead worker: 0.5 s, doubling per consecutive death, at most 30 s. */
const RESTART_FIRST_DELAY_MS = 500
const RESTART_MAX_DELAY_MS = 30_000
/** A worker that stayed up this long counts as healthy again: the next death restarts after the first delay. */
const HEALTHY_UPTIME_MS = 60_000
const children = new Set()
let stopping = false

const fail = (message) => {
  console.error(`npm start: ${message}`)
  stop(1)
}
const stop = (code = 0) => {
  stopping = true
  for (const child of children) child.kill("SIGTERM")
  process.exit(code)
}
process.on("SIGINT", () => stop(0))
process.on("SIGTERM", () => stop(0))

/** `.unmask/`, readable by this user only (0700), and files in it written whole with mode 0600. */
const stateDir = `${root}.unmask`
mkdirSync(stateDir, { recursive: true, mode: 0o700 })
chmodSync(stateDir, 0o700) // an older npm start may have made it 0755
const writePrivate = (name, content) => {
  const partial = `${stateDir}/${name}.${process.pid}.partial`
  writeFileSync(partial, content, { mode: 0o600 })
  renameSync(partial, `${stateDir}/${name}`)
  return `${stateDir}/${name}`
}

const launch = (name, command, args, env, onExit = (code, signal) => fail(`${name} exited (code ${code}, signal ${signal})`)) => {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...quiet, ...env }, stdio: ["ignore", "pipe", "pipe"] })
  const prefix = (chunk) => chunk.toString().split("\n").filter(Boolean).map((line) => `[${name}] ${line}`).join("\n") + "\n"
  child.stdout.on("data", (chunk) => process.stdout.write(prefix(chunk)))
  child.stderr.on("data", (chunk) => process.stderr.write(prefix(chunk)))
  child.on("exit", (code, signal) => {
    children.delete(child)
    if (!stopping) onExit(code, signal)
  })
  children.add(child)
  return child
}

const waitFor = async (url, seconds) => {
  const deadline = Date.now() + seconds * 1000
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  fail(`${url} did not become ready within ${seconds} s`)
}

/**
 * Starts the worker and, once `supervise()` is called (after its first start succeeded, so a broken
 * configuration fails fast instead of looping), restarts it whenever it dies, with exponential backoff.
 */
const workerSupervisor = () => {
  let supervised = false
  let consecutiveDeaths = 0
  let startedAt = 0
  const start = () => {
    startedAt = Date.now()
    const child = launch("worker", process.execPath, ["apps/gpu-worker/dist/main.js"], { PORT: WORKER_PORT, EDGE_SHARED_SECRET: signingSecret }, died)
    if (supervised) console.log(`[start] worker restarted (pid ${child.pid})`)
  }
  const died = (code, signal) => {
    if (!supervised) return fail(`worker exited (code ${code}, signal ${signal})`)
    consecutiveDeaths = Date.now() - startedAt >= HEALTHY_UPTIME_MS ? 1 : consecutiveDeaths + 1
    const delay = Math.min(RESTART_MAX_DELAY_MS, RESTART_FIRST_DELAY_MS * 2 ** (consecutiveDeaths - 1))
    console.error(`[start] worker exited (code ${code}, signal ${signal}) after ${Date.now() - startedAt} ms; restart ${consecutiveDeaths} in ${delay} ms`)
    setTimeout(() => { if (!stopping) start() }, delay)
  }
  return { start, supervise: () => { supervised = true } }
}

console.log("Building (tsc -b)…")
if (spawnSync("npx", ["tsc", "-b"], { cwd: root, stdio: "inherit" }).status !== 0) fail("the build failed")

const worker = workerSupervisor()
worker.start()
await waitFor(`${workerUrl}/readyz`, 120)
worker.supervise()
// wrangler dev reads secrets from an env file (or the whole process environment): a 0600 file it is.
const edgeSecrets = writePrivate("edge.env", `WORKER_SIGNING_SECRET=${signingSecret}\nADMIN_SECRET=${adminSecret}\n`)
launch("edge", "npx", [
  "wrangler", "dev", "--ip", "127.0.0.1", "--port", EDGE_PORT, "--persist-to", ".wrangler/start-state",
  "--env-file", edgeSecrets, "--var", `WORKER_ORIGINS:${workerUrl}`,
], {})
await waitFor(`${edgeUrl}/healthz`, 120)

const created = await fetch(`${edgeUrl}/admin/keys`, {
  method: "POST",
  headers: { Authorization: `Bearer ${adminSecret}`, "Content-Type": "application/json" },
  body: JSON.stringify({ name: "npm-start-dev" }),
})
if (!created.ok) fail(`creating a development key failed: ${created.status} ${await created.text()}`)
const { key } = await created.json()
// For tools that drive the running stack (playground tests, load tests): where it is and how to call it.
writePrivate("stack.json", JSON.stringify({ edgeUrl, workerUrl, apiKey: key, adminSecret, signingSecret, pid: process.pid }, null, 2))

const request = { model: "unmask-diffusion", prompt: "Once upon a time", max_tokens: 64, steps: 32, seed: 1 }
const started = Date.now()
const completion = await fetch(`${edgeUrl}/v1/completions`, {
  method: "POST",
  headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
  body: JSON.stringify(request),
})
const answer = await completion.json()
if (!completion.ok) fail(`the demo completion failed: ${completion.status} ${JSON.stringify(answer)}`)

console.log(`
Unmask is up.
  edge (public API):  ${edgeUrl}
  playground:         ${edgeUrl}/   (paste the development key)
  gpu-worker:         ${workerUrl}   (signed requests only)
  development key:    ${key}
  admin secret:       ${adminSecret}   (UNMASK_ADMIN_SECRET for npm run keys)

Demo: diffusion, N = ${request.max_tokens} tokens in T = ${request.steps} steps, through the edge (${Date.now() - started} ms):
  ${JSON.stringify(request.prompt + answer.choices[0].text)}
  usage: ${JSON.stringify(answer.usage)}

Try it (streams every denoising step):
  curl -N ${edgeUrl}/v1/generate -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\
    -d '{"prompt": "Once upon a time", "mode": "diffusion", "maxTokens": 64, "steps": 32, "stream": true}'

OpenAI-compatible:
  curl ${edgeUrl}/v1/completions -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\
    -d '{"model": "unmask-diffusion", "prompt": "Once upon a time", "max_tokens": 64, "steps": 32}'

Ctrl-C stops both (a worker that dies is restarted).`)
