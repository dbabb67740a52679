import {
  ArParams,
  arGenerate,
  CausalLM,
  collectResult,
  Denoiser,
  DiffusionParams,
  diffusionGenerate,
  type GenerationResult,
  type InvalidParams,
  type ModelError,
} from "@unmask/core"
import { Effect, Schema } from "effect"
import type { BenchModels } from "../models/BenchModels.js"
import { type GeneratedSample, scoreSamples } from "../quality/scoreSamples.js"
import { median, summarize } from "../stats/summarize.js"
import { CallLog } from "./CallLog.js"
import type { GridCell } from "./GridPlan.js"
import type { CellResult } from "./GridResults.js"
import { samplerLabel } from "./SamplerSetting.js"

/** A run input: BOS + prompt, and the seed. Warm-up runs use seeds no repeat uses. */
export interface RunInput {
  readonly promptIds: Int32Array
  readonly seed: number
}

const diffusionFields = (cell: GridCell, seed: number, temperature: number) => {
  const base = {
    genLength: cell.genLength, steps: cell.steps, remasking: "low_confidence" as const, temperature, cfgScale: 0, stopAtEos: false, seed,
    cache: "none" as const,
  }
  const { sampler } = cell
  switch (sampler.kind) {
    case "semiAr":
      return { ...base, blockLength: sampler.blockLength }
    case "threshold":
      return { ...base, blockLength: sampler.blockLength, threshold: sampler.threshold }
    case "cached":
      return {
        ...base,
        cache: sampler.cache,
        blockLength: sampler.blockLength,
        ...(sampler.threshold === undefined ? {} : { threshold: sampler.threshold }),
        ...(sampler.factor === undefined ? {} : { factor: sampler.factor }),
      }
    default:
      return base
  }
}

const diffusionParams = (cell: GridCell, seed: number, temperature: number): DiffusionParams =>
  Schema.decodeUnknownSync(DiffusionParams)(diffusionFields(cell, seed, temperature))

const generate = (
  models: BenchModels,
  log: CallLog,
  cell: GridCell,
  input: RunInput,
  temperature: number,
): Effect.Effect<GenerationResult, InvalidParams | ModelError> =>
  cell.sampler.kind === "ar"
    ? collectResult(arGenerate(input.promptIds, Schema.decodeUnknownSync(ArParams)({ maxTokens: cell.genLength, temperature, stopAtEos: false, seed: input.seed }), models.arIds)).pipe(
      Effect.provideService(CausalLM, log.causalLM(models.causalLM)),
    )
    : collectResult(diffusionGenerate(input.promptIds, diffusionParams(cell, input.seed, temperature), models.diffusionIds)).pipe(
      Effect.provideService(Denoiser, {
        ...log.denoiser(models.denoiser),
        cached: log.cachedDenoiser(models.cachedDenoiser({ confidenceHead: cell.sampler.kind === "cached" && cell.sampler.confidenceHead })),
      }),
    )

export interface TimedRun {
  readonly wallMs: number
  readonly modelMs: number
  readonly result: GenerationResult
}

/** One generation of a cell, timed: wall time and the time inside model calls. */
export const timedRun = (
  models: BenchModels,
  cell: GridCell,
  input: RunInput,
  temperature: number,
): Effect.Effect<TimedRun, InvalidParams | ModelError> =>
  Effect.gen(function*() {
    const log = new CallLog()
    const started = performance.now()
    const result = yield* generate(models, log, cell, input, temperature)
    return { wallMs: performance.now() - started, modelMs: log.totalMs(), result }
  })

/** A cell's figures from its timed runs (run r on repeat input r); the samples are scored here. */
export const cellResult = (
  models: BenchModels,
  cell: GridCell,
  runs: ReadonlyArray<TimedRun>,
  repeats: ReadonlyArray<RunInput>,
): Effect.Effect<CellResult, ModelError> =>
  Effect.gen(function*() {
    const samples: Array<GeneratedSample> = runs.map((run, r) => ({ promptIds: repeats[r]!.promptIds, tokens: run.result.tokens }))
    const quality = yield* scoreSamples(models, samples)
    const wallMs = summarize(runs.map((run) => run.wallMs))
    const nfe = median(runs.map((run) => run.result.nfe))
    return {
      ...cell,
      label: cell.diffusionModel === undefined ? samplerLabel(cell.sampler) : `${cell.diffusionModel}: ${samplerLabel(cell.sampler)}`,
      wallMs,
      nfe,
      tokensPerForward: cell.genLength / nfe,
      tokensPerSecond: cell.genLength / (wallMs.median / 1000),
      msPerModelCall: median(runs.map((run) => run.modelMs / run.result.nfe)),
      overheadShare: median(runs.map((run) => 1 - run.modelMs / run.wallMs)),
      quality,
    }
  })
