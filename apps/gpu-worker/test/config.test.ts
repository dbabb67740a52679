import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { parseWorkerConfig } from "../src/config/parseWorkerConfig.js"
import { startWorker } from "../src/index.js"

const failureOf = (env: Record<string, string>) => {
  const exit = Effect.runSyncExit(parseWorkerConfig(env))
  if (Exit.isSuccess(exit)) throw new Error("expected the configuration to be rejected")
  return JSON.stringify(exit.cause)
}

describe("configuration from the environment", () => {
  it("has working defaults (with ALLOW_UNSIGNED=1)", () => {
    const settings = Effect.runSync(parseWorkerConfig({ ALLOW_UNSIGNED: "1" }))
    expect(settings.port).toBe(8788)
    expect(settings.executionProvider).toBe("auto")
    expect(settings.intraOpThreads).toBe(1)
    expect(settings.modelPrecision).toBe("fp32")
    expect(settings.modelDir).toMatch(/\/models$/)
    expect(settings.edgeSharedSecret).toBeUndefined()
    expect(settings.host).toBe("127.0.0.1") // loopback unless HOST says otherwise
    expect(settings.probeAllowFrom).toEqual([
      { address: "127.0.0.0", prefix: 8, family: "ipv4" },
      { address: "::1", prefix: 128, family: "ipv6" },
    ])
    expect(settings.timeouts).toEqual({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 65_000 })
  })

  it("reads PROBE_ALLOW_FROM as addresses and CIDR subnets", () => {
    const settings = Effect.runSync(parseWorkerConfig({ ALLOW_UNSIGNED: "1", PROBE_ALLOW_FROM: " 10.0.0.0/8, 127.0.0.1 ,fd00::/8" }))
    expect(settings.probeAllowFrom).toEqual([
      { address: "10.0.0.0", prefix: 8, family: "ipv4" },
      { address: "127.0.0.1", prefix: 32, family: "ipv4" },
      { address: "fd00::", prefix: 8, family: "ipv6" },
    ])
  })

  it.each([
    [{ ALLOW_UNSIGNED: "1", PORT: "http" }, "PORT"],
    [{ ALLOW_UNSIGNED: "1", PORT: "70000" }, "PORT"],
    [{ ALLOW_UNSIGNED: "1", EXECUTION_PROVIDER: "tpu" }, "EXECUTION_PROVIDER"],
    [{ ALLOW_UNSIGNED: "1", MODEL_PRECISION: "fp16" }, "MODEL_PRECISION"],
    [{ ALLOW_UNSIGNED: "1", ORT_INTRA_OP_THREADS: "0" }, "ORT_INTRA_OP_THREADS"],
    [{ ALLOW_UNSIGNED: "1", MAX_QUEUE_LENGTH: "-1" }, "MAX_QUEUE_LENGTH"],
    [{ ALLOW_UNSIGNED: "1", MAX_CONCURRENT_REQUESTS: "1.5" }, "MAX_CONCURRENT_REQUESTS"],
    [{}, "EDGE_SHARED_SECRET"],
    [{ ALLOW_UNSIGNED: "true" }, "EDGE_SHARED_SECRET"],
    [{ EDGE_SHARED_SECRET: "short" }, "EDGE_SHARED_SECRET"],
    [{ ALLOW_UNSIGNED: "1", PROBE_ALLOW_FROM: "everyone" }, "PROBE_ALLOW_FROM"],
    [{ ALLOW_UNSIGNED: "1", PROBE_ALLOW_FROM: "10.0.0.0/33" }, "PROBE_ALLOW_FROM"],
    [{ ALLOW_UNSIGNED: "1", PROBE_ALLOW_FROM: "10.0.0.0/8/1" }, "PROBE_ALLOW_FROM"],
    [{ ALLOW_UNSIGNED: "1", HEADERS_TIMEOUT_MS: "0" }, "HEADERS_TIMEOUT_MS"],
    [{ ALLOW_UNSIGNED: "1", HEADERS_TIMEOUT_MS: "20000", REQUEST_TIMEOUT_MS: "10000" }, "REQUEST_TIMEOUT_MS"],
    [{ ALLOW_UNSIGNED: "1", KEEP_ALIVE_TIMEOUT_MS: "soon" }, "KEEP_ALIVE_TIMEOUT_MS"],
  ])("rejects %j naming %s", (env, variable) => {
    expect(failureOf(env)).toContain(`"variable":"${variable}"`)
  })

  it("refuses to start without a secret unless ALLOW_UNSIGNED=1", async () => {
    await expect(startWorker({ env: { PORT: "0" } })).rejects.toThrow(/EDGE_SHARED_SECRET/)
  })

  it("treats EXECUTION_PROVIDER=cuda without CUDA as a start-up error, not a fallback", async () => {
    await expect(startWorker({ env: { PORT: "0", ALLOW_UNSIGNED: "1", EXECUTION_PROVIDER: "cuda" } }))
      .rejects.toThrow(/EXECUTION_PROVIDER=cuda/)
  })

  it("names the missing model directory", async () => {
    await expect(startWorker({ env: { PORT: "0", ALLOW_UNSIGNED: "1", MODEL_DIR: "/nonexistent/models" } }))
      .rejects.toThrow(/\/nonexistent\/models\/diffusion\/config\.json/)
  })

  it("serves the int8 graphs with MODEL_PRECISION=int8", async () => {
    const worker = await startWorker({ env: { PORT: "0", HOST: "127.0.0.1", ALLOW_UNSIGNED: "1", MODEL_PRECISION: "int8" } })
    try {
      for (const mode of ["diffusion", "ar"]) {
        const response = await fetch(`${worker.url}/v1/generate`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ prompt: "Once upon a time", mode, maxTokens: 8, steps: 4 }),
        })
        expect(response.status).toBe(200)
        expect(((await response.json()) as { tokens: number[] }).tokens.length).toBeGreaterThan(0)
      }
    } finally {
      await worker.close()
    }
  })
})
