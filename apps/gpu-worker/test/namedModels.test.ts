import { collectResult, decodeParams, Denoiser, diffusionGenerate, DiffusionParams } from "@unmask/core"
import { Effect, Exit, Layer } from "effect"
import { InferenceSession } from "onnxruntime-node"
import { fileURLToPath } from "node:url"
import { Tokenizer } from "tokenizers"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeOnnxDiffusionGraph } from "../src/backends/onnx/OnnxDiffusionGraph.js"
import { onnxDenoiser } from "../src/backends/onnx/onnxDenoiser.js"
import { parseWorkerConfig } from "../src/config/parseWorkerConfig.js"
import { readModelConfig } from "../src/models/readModelConfig.js"
import type { RunningWorker } from "../src/index.js"
import { modelCalls, scrape, total } from "./support/prometheus.js"
import { json, postJson, startTestWorker } from "./support/workerHarness.js"

// The shipped models directory: diffusion, diffusion-fast (trained for parallel decoding) and ar.
const MODELS = fileURLToPath(new URL("../../../models/", import.meta.url))
const EOS = 4093
const PROMPT = "Once upon a time"
const greedy = { prompt: PROMPT, maxTokens: 16, steps: 8, seed: 0, temperature: 0 }

let worker: RunningWorker
beforeAll(async () => {
  worker = await startTestWorker()
})
afterAll(() => worker?.close())

type Samples = Awaited<ReturnType<typeof scrape>>["samples"]
const runsOf = (samples: Samples, graph: string, model: string) => ({
  runs: total(samples, "unmask_batch_size_count", { graph, model }),
  calls: total(samples, "unmask_batch_size_sum", { graph, model }),
})

/** Greedy diffusion straight on a session of `<MODELS>/<model>/model.onnx`: no worker, no batching. */
const directRun = async (model: string, prompt: string, request: { maxTokens: number; steps: number }) => {
  const session = await InferenceSession.create(`${MODELS}${model}/model.onnx`, { executionProviders: ["cpu"], intraOpNumThreads: 1 })
  try {
    const graph = makeOnnxDiffusionGraph(session)
    const tokenizer = Tokenizer.fromFile(`${MODELS}tokenizer/tokenizer.json`)
    const promptIds = Int32Array.from([EOS, ...(await tokenizer.encode(prompt, null, { addSpecialTokens: false })).getIds()])
    const config = await Effect.runPromise(readModelConfig(`${MODELS}${model}`))
    const denoiser = onnxDenoiser({ config, graph, cachedGraph: undefined })
    const result = await Effect.runPromise(
      decodeParams(DiffusionParams)({ genLength: request.maxTokens, steps: request.steps, remasking: "low_confidence", temperature: 0, seed: 0 }).pipe(
        Effect.flatMap((params) =>
          collectResult(diffusionGenerate(promptIds, params, { maskId: 4094, eosId: EOS, padId: 4095, vocabSize: 4096 }))
        ),
        Effect.provide(Layer.succeed(Denoiser, denoiser)),
      ),
    )
    const cut = result.tokens.indexOf(EOS)
    return cut === -1 ? [...result.tokens] : result.tokens.slice(0, cut)
  } finally {
    await session.release()
  }
}

describe("named models: every model directory loaded, each with its own sessions and batchers", () => {
  it("/readyz lists diffusion, diffusion-fast and ar", async () => {
    const ready = await json(await fetch(`${worker.url}/readyz`))
    expect(Object.keys(ready.models)).toEqual(["diffusion", "ar", "diffusion-fast"])
    expect(ready.models["diffusion-fast"]).toEqual({ kind: "diffusion", vocabSize: 4096, contextLength: 256, cachedGraph: true })
    expect(ready.models.ar).toMatchObject({ kind: "ar", cachedGraph: false })
  })

  it("model: diffusion-fast runs on the diffusion-fast session, counted under its name", async () => {
    const before = await scrape(worker)
    const answer = await json(await postJson(worker, { ...greedy, model: "diffusion-fast" }))
    const after = await scrape(worker)
    expect(runsOf(after.samples, "diffusion", "diffusion-fast").calls - runsOf(before.samples, "diffusion", "diffusion-fast").calls).toBe(8)
    expect(runsOf(after.samples, "diffusion", "diffusion").calls).toBe(runsOf(before.samples, "diffusion", "diffusion").calls)
    const ok = { mode: "diffusion", model: "diffusion-fast", status: "200" }
    expect(total(after.samples, "unmask_requests_total", ok)).toBe(total(before.samples, "unmask_requests_total", ok) + 1)
    expect(total(after.samples, "unmask_generation_nfe_count", { model: "diffusion-fast" }))
      .toBe(total(before.samples, "unmask_generation_nfe_count", { model: "diffusion-fast" }) + 1)
    expect(answer.tokens).toEqual(await directRun("diffusion-fast", PROMPT, greedy))
  })

  it("the cache-aware graph of diffusion-fast serves its cached requests", async () => {
    const before = await scrape(worker)
    const response = await postJson(worker, { ...greedy, model: "diffusion-fast", cache: "dual", blockLength: 8 })
    expect(response.status).toBe(200)
    const after = await scrape(worker)
    expect(runsOf(after.samples, "diffusion_cached", "diffusion-fast").calls).toBeGreaterThan(runsOf(before.samples, "diffusion_cached", "diffusion-fast").calls)
    expect(runsOf(after.samples, "diffusion_cached", "diffusion").calls).toBe(runsOf(before.samples, "diffusion_cached", "diffusion").calls)
  })

  it("concurrent calls of two models never share an onnxruntime run; those of one model do", async () => {
    const before = await scrape(worker)
    await Promise.all(["diffusion", "diffusion-fast", "diffusion", "diffusion-fast"].map(async (model, seed) => {
      const response = await postJson(worker, { ...greedy, temperature: 0.8, seed, model })
      expect(response.status).toBe(200)
    }))
    const after = await scrape(worker)
    for (const model of ["diffusion", "diffusion-fast"]) {
      const [b, a] = [runsOf(before.samples, "diffusion", model), runsOf(after.samples, "diffusion", model)]
      expect(a.calls - b.calls, model).toBe(2 * 8)
      // Each run held at most the two generations of its own model.
      expect(a.runs - b.runs, model).toBeGreaterThanOrEqual(8)
      expect(total(after.samples, "unmask_batch_size_bucket", { graph: "diffusion", model, le: "2" }))
        .toBe(total(after.samples, "unmask_batch_size_count", { graph: "diffusion", model }))
    }
  })

  it("without model, each mode gets its default model; model alone implies its mode", async () => {
    const before = await scrape(worker)
    expect((await postJson(worker, greedy)).status).toBe(200)
    expect((await postJson(worker, { prompt: PROMPT, model: "ar", maxTokens: 4 })).status).toBe(200)
    const after = await scrape(worker)
    expect(runsOf(after.samples, "diffusion", "diffusion").calls - runsOf(before.samples, "diffusion", "diffusion").calls).toBe(8)
    expect(runsOf(after.samples, "ar", "ar").calls - runsOf(before.samples, "ar", "ar").calls).toBe(4)
  })

  it.each([
    [{ model: "diffusion-slow" }, "unknown_model", "model", /no model "diffusion-slow" is loaded here; loaded: diffusion, ar, diffusion-fast/],
    [{ model: "" }, "unknown_model", "model", /no model "" is loaded/],
    [{ model: 7 }, "invalid_parameter", "model", /./],
    [{ model: "ar", mode: "diffusion" }, "invalid_parameter", "model", /"ar" is of kind "ar", but mode is "diffusion"/],
    [{ model: "diffusion-fast", mode: "ar" }, "invalid_parameter", "model", /"diffusion-fast" is of kind "diffusion", but mode is "ar"/],
  ])("%j -> 400 %s naming %s, before any model call", async (fields, code, field, message) => {
    const before = await modelCalls(worker)
    const response = await postJson(worker, { ...greedy, ...fields })
    expect(response.status).toBe(400)
    const { error } = await json(response)
    expect(error).toMatchObject({ code, field })
    expect(error.message).toMatch(message)
    expect(await modelCalls(worker)).toBe(before)
  })

  it("an unknown model is counted as model=\"unknown\", never under the name the client sent", async () => {
    await postJson(worker, { ...greedy, model: "made-up" })
    const { samples } = await scrape(worker)
    expect(samples.some((sample) => sample.labels["model"] === "made-up")).toBe(false)
    expect(total(samples, "unmask_requests_total", { model: "unknown", status: "400" })).toBeGreaterThan(0)
  })
})

describe("MODELS restricts what is loaded", () => {
  it("MODELS=diffusion-fast loads only it; a request for a default model that is not loaded is unknown_model", async () => {
    const restricted = await startTestWorker({ MODELS: "diffusion-fast" })
    try {
      expect(Object.keys((await json(await fetch(`${restricted.url}/readyz`))).models)).toEqual(["diffusion-fast"])
      const missing = await postJson(restricted, greedy)
      expect(missing.status).toBe(400)
      expect((await json(missing)).error).toMatchObject({ code: "unknown_model", field: "model" })
      expect((await postJson(restricted, { ...greedy, model: "diffusion-fast" })).status).toBe(200)
    } finally {
      await restricted.close()
    }
  })

  it.each(["diffusion,../ar", "diffusion, ,ar", "a b"])("MODELS=%j is a configuration error naming MODELS", (models) => {
    const exit = Effect.runSyncExit(parseWorkerConfig({ ALLOW_UNSIGNED: "1", MODELS: models }))
    expect(Exit.isFailure(exit)).toBe(true)
    expect(JSON.stringify(exit)).toContain('"variable":"MODELS"')
  })

  it("a MODELS entry with no model directory stops the start, naming its config file", async () => {
    await expect(startTestWorker({ MODELS: "diffusion,nowhere" })).rejects.toThrow(/models\/nowhere\/config\.json/)
  })
})
