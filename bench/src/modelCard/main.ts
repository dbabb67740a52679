// Measures the numbers of the model cards (models/<name>/README.md) with the shipped ONNX models:
// validation NLL (AR exact; diffusion core's Monte-Carlo bound with its standard error) on the
// first stories of the TinyStories valid split, and unedited samples for "Once upon a time".
// Usage: npm run model-card -w @unmask/bench [-- --stories 100 --samples 32]
//        [-- --diffusion-model diffusion-fast --out results/model-card-diffusion-fast.json]
import { ArParams, arGenerate, CausalLM, collectResult, Denoiser, diffusionGenerate, DiffusionParams, likelihoodBound } from "@unmask/core"
import { Effect, Layer, Schema } from "effect"
import { readFileSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { parseArgs } from "node:util"
import { defaultModelDir, resultsDir } from "../benchPaths.js"
import { loadBenchModels } from "../models/loadBenchModels.js"
import { continuationNll } from "../quality/continuationNll.js"

const { values } = parseArgs({
  options: {
    stories: { type: "string", default: "100" },
    samples: { type: "string", default: "32" },
    "diffusion-model": { type: "string", default: "diffusion" },
    out: { type: "string" },
  },
})
const storyCount = Number(values.stories)
const boundSamples = Number(values.samples)
const validFile = resolve(defaultModelDir, "../../shared/data/tinystories/valid.txt")
const PROMPT = "Once upon a time"
const SAMPLE_SEEDS = [1, 2, 3]
const TEMPERATURE = 0.8

const program = Effect.gen(function*() {
  const models = yield* loadBenchModels({ modelDir: defaultModelDir, executionProvider: "cpu", intraOpThreads: 1, diffusionModel: values["diffusion-model"] })
  const stories = readFileSync(validFile, "utf8").split("\n<|endoftext|>\n").filter((s) => s.length > 0).slice(0, storyCount)
  const sequences: Int32Array[] = []
  for (const story of stories) {
    const ids = yield* models.encode(story)
    sequences.push(Int32Array.from([models.bosId, ...ids.subarray(0, models.contextLength - 1)]))
  }
  const tokens = sequences.reduce((n, s) => n + s.length - 1, 0)

  let arNats = 0
  for (const sequence of sequences) {
    arNats += continuationNll(yield* models.arSequenceLogits(sequence), sequence, 1, models.arIds.vocabSize)
  }

  let diffusionNats = 0
  let diffusionVariance = 0
  for (const [index, sequence] of sequences.entries()) {
    const bound = yield* likelihoodBound(sequence, {
      promptLength: 1, samples: boundSamples, batchSize: boundSamples, maskId: models.diffusionIds.maskId, seed: index,
    }).pipe(Effect.provide(Layer.succeed(Denoiser, models.denoiser)))
    const answer = sequence.length - 1
    diffusionNats += bound.natsPerToken * answer
    diffusionVariance += (bound.standardError * answer) ** 2
  }

  const prompt = Int32Array.from([models.bosId, ...(yield* models.encode(PROMPT))])
  const text = (ids: ReadonlyArray<number>) => models.decode(ids).pipe(Effect.map((t) => PROMPT + t))
  const samples: Record<string, string[]> = { "diffusion N=128 T=128": [], "diffusion N=128 T=32": [], "ar N=128": [] }
  for (const seed of SAMPLE_SEEDS) {
    for (const steps of [128, 32]) {
      const result = yield* collectResult(
        diffusionGenerate(prompt, Schema.decodeUnknownSync(DiffusionParams)({ genLength: 128, steps, remasking: "low_confidence", temperature: TEMPERATURE, cfgScale: 0, stopAtEos: false, seed, cache: "none" }), models.diffusionIds),
      ).pipe(
        Effect.provide(Layer.succeed(Denoiser, models.denoiser)),
      )
      samples[`diffusion N=128 T=${steps}`]!.push(yield* text(result.tokens))
    }
    const ar = yield* collectResult(
      arGenerate(prompt, Schema.decodeUnknownSync(ArParams)({ maxTokens: 128, temperature: TEMPERATURE, seed, stopAtEos: true }), models.arIds),
    ).pipe(Effect.provide(Layer.succeed(CausalLM, models.causalLM)))
    samples["ar N=128"]!.push(yield* text(ar.tokens))
  }

  return {
    diffusionModel: values["diffusion-model"],
    evaluation: { split: "valid", stories: stories.length, tokens, boundSamplesPerStory: boundSamples },
    ar: { natsPerToken: arNats / tokens },
    diffusion: { natsPerToken: diffusionNats / tokens, standardError: Math.sqrt(diffusionVariance) / tokens },
    samples: { prompt: PROMPT, temperature: TEMPERATURE, seeds: SAMPLE_SEEDS, remasking: "low_confidence", texts: samples },
  }
})

const report = await Effect.runPromise(Effect.scoped(program))
writeFileSync(values.out ?? resolve(resultsDir, values["diffusion-model"] === "diffusion" ? "model-card.json" : `model-card-${values["diffusion-model"]}.json`), JSON.stringify(report, null, 2))
console.log(JSON.stringify(report, null, 2))
