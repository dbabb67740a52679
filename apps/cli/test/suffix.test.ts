import { type RunningWorker, startWorker } from "@unmask/gpu-worker"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parseCommand } from "../src/args.js"
import { UsageError } from "../src/errors.js"
import { generateBody, suffixOfRun } from "../src/request.js"
import { runCli } from "./support/cliProcess.js"

const PROMPT = "Once upon a time"
const SUFFIX = " They were happy. The end."

describe("--suffix", () => {
  it("is sent with the diffusion run only; AR alone cannot take it", () => {
    const command = parseCommand([PROMPT, "--suffix", SUFFIX], {})
    if (command._tag !== "Run") throw new Error("expected Run")
    expect(command.options.suffix).toBe(SUFFIX)
    expect(generateBody(PROMPT, "diffusion", {}, undefined, suffixOfRun(command.options, "diffusion"))).toMatchObject({ suffix: SUFFIX })
    expect(generateBody(PROMPT, "ar", {}, undefined, suffixOfRun(command.options, "ar"))).not.toHaveProperty("suffix")
    expect(() => parseCommand([PROMPT, "--mode", "ar", "--suffix", SUFFIX], {})).toThrow(UsageError)
    expect(() => parseCommand([PROMPT, "--mode", "ar", "--suffix", SUFFIX], {})).toThrow(/--suffix needs --mode diffusion/)
    expect(parseCommand([PROMPT, "--compare", "--suffix", SUFFIX], {})._tag).toBe("Run")
  })
})

describe("unmask --suffix against the real worker", () => {
  let worker: RunningWorker
  beforeAll(async () => {
    worker = await startWorker({ env: { HOST: "127.0.0.1", PORT: "0", ALLOW_UNSIGNED: "1" } })
  })
  afterAll(() => worker?.close())

  it("infills: prints prompt, middle and suffix; --json carries the filled canvas", async () => {
    const args = ["--url", worker.url, PROMPT, "--suffix", SUFFIX, "--length", "8", "--steps", "4", "--seed", "1"]
    const plain = await runCli(args)
    expect(plain.stderr).toBe("")
    expect(plain.code).toBe(0)
    const lines = plain.stdout.trim().split("\n")
    expect(lines).toHaveLength(6)
    const text = lines[4]!
    expect(text.startsWith(PROMPT)).toBe(true)
    expect(text.endsWith(SUFFIX)).toBe(true)
    const json = await runCli([...args, "--json"])
    const result = JSON.parse(json.stdout)
    expect(result.request).toMatchObject({ suffix: SUFFIX, maxTokens: 8 })
    expect(text).toBe(`${PROMPT}${result.text}${SUFFIX}`)
    expect(result.segments).toEqual([
      { text: PROMPT, generated: false },
      { text: result.text, generated: true },
      { text: SUFFIX, generated: false },
    ])
  })

  it("a suffix for the AR model is refused before calling the worker (exit 2)", async () => {
    const run = await runCli(["--url", worker.url, PROMPT, "--mode", "ar", "--suffix", SUFFIX])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/--suffix needs --mode diffusion/)
  })
})
