// npm start: the whole stack on this machine with the shipped default models.
// Builds, starts the gpu-worker (onnxruntime) and the edge (wrangler dev, real workerd), creates a
// development API key, runs one diffusion completion through the edge, and prints the key and a
// ready-to-paste curl command. Ctrl-C stops both.
import { spawn, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdirSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const WORKER_PORT = process.env.WORKER_PORT ?? "8788"
const EDGE_PORT = process.env.EDGE_PORT ?? "8787"
const workerUrl = `http://127.0.0.1:${WORKER_PORT}`
const edgeUrl = `http://127.0.0.1:${EDGE_PORT}`
const signingSecret = randomBytes(32).toString("hex")
const adminSecret = randomBytes(32).toString("hex")
const quiet = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" }
const children = []

const fail = (message) => {
  console.error(`npm start: ${message}`)
  stop(1)
}
const stop = (code = 0) => {
  for (const child of children) child.kill("SIGTERM")
  process.exit(code)
}
process.on("SIGINT", () => stop(0))
process.on("SIGTERM", () => stop(0))

const launch = (name, command, args, env) => {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...quiet, ...env }, stdio: ["ignore", "pipe", "pipe"] })
  const prefix = (chunk) => chunk.toString().split("\n").filter(Boolean).map((line) => `[${name}] ${line}`).join("\n") + "\n"
  child.stdout.on("data", (chunk) => process.stdout.write(prefix(chunk)))
  child.stderr.on("data", (chunk) => process.stderr.write(prefix(chunk)))
  child.on("exit", (code) => fail(`${name} exited (code ${code})`))
  children.push(child)
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

console.log("Building (tsc -b)…")
if (spawnSync("npx", ["tsc", "-b"], { cwd: root, stdio: "inherit" }).status !== 0) fail("the build failed")

launch("worker", process.execPath, ["apps/gpu-worker/dist/main.js"], { PORT: WORKER_PORT, EDGE_SHARED_SECRET: signingSecret })
await waitFor(`${workerUrl}/readyz`, 120)
launch("edge", "npx", [
  "wrangler", "dev", "--ip", "127.0.0.1", "--port", EDGE_PORT, "--persist-to", ".wrangler/start-state",
  "--var", `WORKER_SIGNING_SECRET:${signingSecret}`, "--var", `ADMIN_SECRET:${adminSecret}`, "--var", `WORKER_ORIGINS:${workerUrl}`,
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
mkdirSync(`${root}.unmask`, { recursive: true })
writeFileSync(`${root}.unmask/stack.json`, JSON.stringify({ edgeUrl, workerUrl, apiKey: key, adminSecret, signingSecret, pid: process.pid }, null, 2))

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

Ctrl-C stops both.`)
