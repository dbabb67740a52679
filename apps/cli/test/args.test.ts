import { describe, expect, it } from "vitest"
import { type ParsedCommand, parseCommand } from "../src/args.js"
import { UsageError } from "../src/errors.js"
import { generateBody, modelOfRun } from "../src/request.js"

const run = (argv: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const command = parseCommand(argv, env)
  if (command._tag !== "Run") throw new Error(`expected Run, got ${command._tag}`)
  return command
}
const usage = (argv: ReadonlyArray<string>) => {
  try {
    parseCommand(argv, {})
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return (error as UsageError).message
  }
  throw new Error("expected a UsageError")
}

describe("parseCommand", () => {
  it("maps every sampler flag to its request field", () => {
    const { options } = run([
      "Once upon",
      "a time",
      "--length=128",
      "--steps",
      "64",
      "--block-length",
      "32",
      "--remasking",
      "margin",
      "--temperature",
      "0.5",
      "--cfg-scale",
      "1.5",
      "--factor",
      "2",
      "--cache",
      "dual",
      "--seed",
      "4294967295",
    ])
    expect(options.prompt).toBe("Once upon a time")
    expect(options.sampler).toEqual({
      maxTokens: 128,
      steps: 64,
      blockLength: 32,
      remasking: "margin",
      temperature: 0.5,
      cfgScale: 1.5,
      factor: 2,
      cache: "dual",
      seed: 4294967295,
    })
    expect(options).toMatchObject({ mode: "diffusion", url: "http://127.0.0.1:8788", urlExplicit: false, output: "auto" })
  })

  it("sends only the fields of the mode", () => {
    const { options } = run(["x", "--compare", "--length", "8", "--steps", "4", "--top-k", "5", "--top-p", "0.9", "--cache", "prefix"])
    expect(generateBody(options.prompt, "diffusion", options.sampler)).toEqual({
      prompt: "x",
      mode: "diffusion",
      maxTokens: 8,
      steps: 4,
      cache: "prefix",
      stream: true,
    })
    expect(generateBody(options.prompt, "ar", options.sampler)).toEqual({
      prompt: "x",
      mode: "ar",
      maxTokens: 8,
      topK: 5,
      topP: 0.9,
      stream: true,
    })
  })

  it("--model names the worker model of the chosen mode; with --compare, of the diffusion run only", () => {
    const fast = run(["x", "--model", "diffusion-fast", "--length", "8"]).options
    expect(fast.model).toBe("diffusion-fast")
    expect(generateBody(fast.prompt, "diffusion", fast.sampler, modelOfRun(fast, "diffusion"))).toEqual({
      prompt: "x", mode: "diffusion", model: "diffusion-fast", maxTokens: 8, stream: true,
    })
    const compared = run(["x", "--compare", "--model", "diffusion-fast"]).options
    expect([modelOfRun(compared, "diffusion"), modelOfRun(compared, "ar")]).toEqual(["diffusion-fast", undefined])
    expect(modelOfRun(run(["x", "--mode", "ar", "--model", "ar"]).options, "ar")).toBe("ar")
    expect(run(["x"]).options.model).toBeUndefined()
    expect(generateBody("x", "diffusion", {}, undefined)).not.toHaveProperty("model")
    expect(usage(["x", "--model", "../ar"])).toBe(`--model must be a worker model name such as diffusion-fast, got "../ar"`)
    expect(usage(["x", "--model"])).toBe("--model needs a value")
  })

  it("warns about flags the chosen mode ignores", () => {
    expect(run(["x", "--top-k", "5"]).warnings).toEqual(["--top-k applies to --mode ar only; ignored"])
    expect(run(["x", "--mode", "ar", "--steps", "4"]).warnings).toEqual(["--steps applies to --mode diffusion only; ignored"])
    expect(run(["x", "--compare", "--steps", "4", "--top-k", "5"]).warnings).toEqual([])
  })

  it("explains bad flags and values in one line", () => {
    expect(usage(["x", "--lenght", "5"])).toBe("unknown option --lenght")
    expect(usage(["x", "--length"])).toBe("--length needs a value")
    expect(usage(["x", "--json=yes"])).toBe("--json does not take a value")
    expect(usage(["x", "--length", "0"])).toBe(`--length must be an integer from 1 to 1024, got "0"`)
    expect(usage(["x", "--steps", "1e400"])).toBe(`--steps must be an integer from 1 to 1024, got "1e400"`)
    expect(usage(["x", "--temperature", "hot"])).toBe(`--temperature must be a number from 0 to 10, got "hot"`)
    expect(usage(["x", "--top-p", "0"])).toBe(`--top-p must be a number greater than 0 and at most 1, got "0"`)
    expect(usage(["x", "--cfg-scale", "-1"])).toBe(`--cfg-scale needs a value; write a value that starts with "-" as --cfg-scale=VALUE`)
    expect(usage(["x", "--seed", "-1"])).toContain("--seed needs a value")
    expect(usage(["x", "--seed=-1"])).toBe(`--seed must be an integer from 0 to 4294967295, got "-1"`)
    expect(usage(["x", "--remasking", "best"])).toBe(
      `--remasking must be one of low_confidence, random, margin, entropy, got "best"`,
    )
    expect(usage(["x", "--cache", "all"])).toBe(`--cache must be one of none, prefix, dual, got "all"`)
    expect(usage(["x", "--mode", "gpt"])).toBe(`--mode must be diffusion or ar, got "gpt"`)
    expect(usage(["x", "--compare", "--mode", "ar"])).toBe("--compare runs both modes; drop --mode")
    expect(usage(["x", "--json", "--quiet"])).toBe("--json and --quiet exclude each other")
    expect(usage(["x", "--local", "--url", "http://a"])).toBe("--local runs the models in this process; drop --url")
    expect(usage(["x", "--url", "localhost:8788"])).toContain("--url must be an http(s) URL")
    expect(usage(["   "])).toBe("the prompt is empty")
  })

  it("takes the secret from --secret, else EDGE_SHARED_SECRET; an explicit --url disables the fallback", () => {
    expect(run(["x"], { EDGE_SHARED_SECRET: "from-env" }).options.secret).toBe("from-env")
    expect(run(["x", "--secret", "flag"], { EDGE_SHARED_SECRET: "from-env" }).options.secret).toBe("flag")
    expect(run(["x"]).options.secret).toBeUndefined()
    expect(run(["x", "--url", "http://10.0.0.2:8788/"]).options).toMatchObject({
      url: "http://10.0.0.2:8788",
      urlExplicit: true,
    })
  })

  it("asks for stdin when no prompt is given, and answers --help", () => {
    const command: ParsedCommand = parseCommand(["--length", "8"], {})
    expect(command._tag).toBe("NeedsPrompt")
    if (command._tag !== "NeedsPrompt") return
    expect(command.complete("from stdin")).toMatchObject({ _tag: "Run", options: { prompt: "from stdin", sampler: { maxTokens: 8 } } })
    expect(parseCommand(["-h"], {})).toEqual({ _tag: "Help" })
  })
})
