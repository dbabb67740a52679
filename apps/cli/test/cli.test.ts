import { type RunningWorker, startWorker } from "@unmask/gpu-worker"
import { createServer } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cliEnv, maskTimings, modelCalls, runCli, spawnCli } from "./support/cliProcess.js"

// The real worker (shipped models, onnxruntime on CPU) on an ephemeral port; the CLI as a child process.
let worker: RunningWorker
beforeAll(async () => {
  worker = await startWorker({ env: { HOST: "127.0.0.1", PORT: "0", ALLOW_UNSIGNED: "1" } })
})
afterAll(() => worker?.close())

/** A loopback port nothing listens on (just released by the OS). */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

const PROMPT = "Once upon a time"
const SMALL = ["--length", "16", "--steps", "8", "--seed", "1", "--temperature", "0"]

describe("unmask against a running worker (stdout not a TTY)", () => {
  it("prints one line per step, the text and a summary", async () => {
    const run = await runCli(["--url", worker.url, PROMPT, ...SMALL])
    expect(run.stderr).toBe("")
    expect(run.code).toBe(0)
    expect(maskTimings(run.stdout)).toMatchInlineSnapshot(`
      "step 1/8 block=0 nfe=1 committed=2 masks=14
      step 2/8 block=0 nfe=2 committed=2 masks=12
      step 3/8 block=0 nfe=3 committed=2 masks=10
      step 4/8 block=0 nfe=4 committed=2 masks=8
      step 5/8 block=0 nfe=5 committed=2 masks=6
      step 6/8 block=0 nfe=6 committed=2 masks=4
      step 7/8 block=0 nfe=7 committed=2 masks=2
      step 8/8 block=0 nfe=8 committed=2 masks=0
      Once upon a time, there was a little girl named Lily. She loved to play her toys.
      done mode=diffusion finish=length tokens=16 nfe=8 steps=8 wall=<s> first_frame=<s> tokens_per_s=<n>
      "
    `)
  })

  it("--json prints one object: the result and the timings", async () => {
    const run = await runCli(["--url", worker.url, PROMPT, ...SMALL, "--json"])
    expect(run.code).toBe(0)
    expect(run.stdout.trim().split("\n")).toHaveLength(1)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({
      prompt: PROMPT,
      worker: { url: worker.url, inProcess: false },
      mode: "diffusion",
      request: { maxTokens: 16, steps: 8, seed: 1, temperature: 0 },
      text: ", there was a little girl named Lily. She loved to play her toys.",
      finishReason: "length",
      usage: { promptTokens: 4, completionTokens: 16, nfe: 8, steps: 8 },
    })
    expect(result.tokens).toHaveLength(16)
    for (const key of ["wallMs", "firstFrameMs", "tokensPerSecond", "queueMs", "totalMs", "modelMs"]) {
      expect(result.timings[key], key).toBeTypeOf("number")
    }
    expect(result.timings.firstFrameMs).toBeLessThanOrEqual(result.timings.wallMs)
  })

  it("--quiet prints only the generated text", async () => {
    const run = await runCli(["--url", worker.url, PROMPT, ...SMALL, "--quiet"])
    expect(run).toMatchObject({ code: 0, stderr: "" })
    expect(run.stdout).toBe(", there was a little girl named Lily. She loved to play her toys.\n")
  })

  it("--compare runs diffusion then AR and tabulates their timings", async () => {
    const run = await runCli(["--url", worker.url, PROMPT, "--length", "8", "--steps", "4", "--seed", "1", "--compare"])
    expect(run.code).toBe(0)
    expect(maskTimings(run.stdout)).toMatchInlineSnapshot(`
      "== diffusion ==
      step 1/4 block=0 nfe=1 committed=2 masks=6
      step 2/4 block=0 nfe=2 committed=2 masks=4
      step 3/4 block=0 nfe=3 committed=2 masks=2
      step 4/4 block=0 nfe=4 committed=2 masks=0
      Once upon a time, there was a little girl named.
      done mode=diffusion finish=length tokens=8 nfe=4 steps=4 wall=<s> first_frame=<s> tokens_per_s=<n>
      == ar ==
      step 1/8 nfe=1 committed=1
      step 2/8 nfe=2 committed=1
      step 3/8 nfe=3 committed=1
      step 4/8 nfe=4 committed=1
      step 5/8 nfe=5 committed=1
      step 6/8 nfe=6 committed=1
      step 7/8 nfe=7 committed=1
      step 8/8 nfe=8 committed=1
      Once upon a time, there was a little girl named Lily
      done mode=ar finish=length tokens=8 nfe=8 steps=8 wall=<s> first_frame=<s> tokens_per_s=<n>

      mode         wall  first frame  NFE  tokens  tokens/s
      diffusion  <s>       <s>    4       8 <n>
      ar         <s>       <s>    8       8 <n>
      diffusion vs ar: 0.50× the NFE, <x> the tokens/s
      "
    `)
  })

  it("--compare --json holds both runs", async () => {
    const run = await runCli(["--url", worker.url, PROMPT, "--length", "8", "--steps", "4", "--compare", "--json"])
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result.diffusion).toMatchObject({ mode: "diffusion", usage: { nfe: 4, completionTokens: 8 } })
    expect(result.ar).toMatchObject({ mode: "ar", request: { maxTokens: 8 } })
    expect(result.ar.request).not.toHaveProperty("steps")
  })

  it("--model diffusion-fast runs on the worker's diffusion-fast model", async () => {
    const fastCalls = async () => {
      const text = await (await fetch(`${worker.url}/metrics`)).text()
      return text.split("\n").filter((line) => line.startsWith("unmask_model_calls_total{") && line.includes('model="diffusion-fast"'))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0)
    }
    const before = await fastCalls()
    const run = await runCli(["--url", worker.url, PROMPT, ...SMALL, "--model", "diffusion-fast", "--json"])
    expect(run).toMatchObject({ code: 0, stderr: "" })
    expect(JSON.parse(run.stdout)).toMatchObject({ mode: "diffusion", request: { model: "diffusion-fast" }, usage: { nfe: 8 } })
    expect(await fastCalls()).toBe(before + 8)
    const plain = await runCli(["--url", worker.url, PROMPT, ...SMALL, "--model", "diffusion-fast"])
    expect(plain.stdout).toMatch(/\ndone mode=diffusion model=diffusion-fast finish=/)
  })

  it("a model the worker has not loaded is its 400 unknown_model (exit 2)", async () => {
    const run = await runCli(["--url", worker.url, PROMPT, ...SMALL, "--model", "diffusion-slow"])
    expect(run).toMatchObject({ code: 2, stdout: "" })
    expect(run.stderr).toContain('the worker answered 400 unknown_model (model): no model "diffusion-slow" is loaded here')
  })

  it("rejects a bad option before calling the worker (exit 2)", async () => {
    const before = await modelCalls(worker.url)
    const unknown = await runCli(["--url", worker.url, PROMPT, "--lenght", "8"])
    expect(unknown).toMatchObject({ code: 2, stdout: "" })
    expect(unknown.stderr).toContain("unknown option --lenght")
    const badNumber = await runCli(["--url", worker.url, PROMPT, "--steps", "eight"])
    expect(badNumber).toMatchObject({ code: 2, stdout: "" })
    expect(badNumber.stderr).toContain(`--steps must be an integer from 1 to 1024, got "eight"`)
    expect(await modelCalls(worker.url)).toBe(before)
  })

  it("shows the worker's JSON error readably (400 → exit 2)", async () => {
    const run = await runCli(["--url", worker.url, PROMPT, "--length", "16", "--block-length", "5"])
    expect(run).toMatchObject({ code: 2, stdout: "" })
    expect(run.stderr).toBe(
      "unmask: the worker answered 400 invalid_parameter (blockLength): genLength (16) must be a multiple of blockLength (5)\n",
    )
  })

  it("an explicit --url where nothing listens is an error (exit 3), not a fallback", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`
    const run = await runCli(["--url", url, PROMPT])
    expect(run).toMatchObject({ code: 3, stdout: "" })
    expect(run.stderr).toContain(`no worker answers at ${url} (connection refused)`)
  })

  it("Ctrl-C ends a long generation within a second (exit 130) and the worker stops computing", async () => {
    const child = spawnCli(["--url", worker.url, PROMPT, "--length", "128", "--steps", "128"])
    let stdout = ""
    let stderr = ""
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)))
    await new Promise<void>((resolve) =>
      child.stdout!.on("data", (chunk: Buffer) => {
        stdout += chunk.toString()
        if (stdout.split("\n").length > 4) resolve()
      })
    )
    const sentAt = performance.now()
    child.kill("SIGINT")
    const code = await closed
    expect(performance.now() - sentAt).toBeLessThan(1000)
    expect(code).toBe(130)
    expect(stderr).toContain("unmask: cancelled")
    expect(stdout).not.toContain("done ")
    // The worker notices the closed connection; give it a tick, then the model-call count must stay put.
    await new Promise((resolve) => setTimeout(resolve, 200))
    const settled = await modelCalls(worker.url)
    await new Promise((resolve) => setTimeout(resolve, 700))
    expect(await modelCalls(worker.url)).toBe(settled)
  })
})

describe("unmask with a signing worker", () => {
  const SECRET = "cli-test-secret-0123456789"
  let signed: RunningWorker
  beforeAll(async () => {
    signed = await startWorker({ env: { HOST: "127.0.0.1", PORT: "0", EDGE_SHARED_SECRET: SECRET } })
  })
  afterAll(() => signed?.close())

  it("signs with --secret or EDGE_SHARED_SECRET like the edge; without it: 401 with a hint (exit 4)", async () => {
    const unsigned = await runCli(["--url", signed.url, PROMPT, "--length", "4", "-q"])
    expect(unsigned.code).toBe(4)
    expect(unsigned.stderr).toContain("401 bad_signature")
    expect(unsigned.stderr).toContain("pass --secret")
    const flag = await runCli(["--url", signed.url, "--secret", SECRET, PROMPT, "--length", "4", "-q"])
    expect(flag).toMatchObject({ code: 0, stderr: "" })
    const fromEnv = await runCli(["--url", signed.url, PROMPT, "--length", "4", "-q"], cliEnv({ EDGE_SHARED_SECRET: SECRET }))
    expect(fromEnv).toMatchObject({ code: 0, stdout: flag.stdout })
  })
})

describe("unmask without a worker", () => {
  it("--local runs the shipped models in-process and says so on stderr", async () => {
    const run = await runCli(["--local", PROMPT, ...SMALL, "--quiet"])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(", there was a little girl named Lily. She loved to play her toys.\n")
    expect(run.stderr).toMatch(/in-process worker ready in \d+\.\d s \(cpu\)/)
  })

  it("--local --model diffusion-fast runs that model in-process", async () => {
    const run = await runCli(["--local", PROMPT, ...SMALL, "--model", "diffusion-fast", "--json"])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ worker: { inProcess: true }, request: { model: "diffusion-fast" }, usage: { nfe: 8 } })
  })
})
