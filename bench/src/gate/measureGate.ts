import {
  ArParams,
  arGenerate,
  type CachedDenoiser,
  CausalLM,
  collectResult,
  Denoiser,
  DiffusionParams,
  diffusionGenerate,
  type GenerationResult,
  type InvalidParams,
  type ModelError,
} from "@unmask/core"
import { Console, Effect, Schema } from "effect"
import { describeMachine } from "../machine/describeMachine.js"
import type { BenchModels } from "../models/BenchModels.js"
import type { CallSamples, GateMeasurement, GateRound, RunSample } from "./GateMeasurement.js"
import type { GatePlan } from "./gatePreset.js"

/** Process CPU time (user + system, all threads: onnxruntime's included) in ms. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** Spins for `ms` of wall time: work that costs what the sampler just did, to fake a slower sampler. */
const spin = (ms: number) => {
  const until = performance.now() + ms
  while (performance.now() < until) { /* busy */ }
}

/**
 * Adds the wall and CPU time of every model call to `totals`. With `slowSampler` k > 1, before
 * each call the time since the previous call returned (the sampler's work in between) is spent
 * k − 1 more times: a sampler exactly k× slower, outside the timed model calls.
 */
class ModelMeter {
  modelWallMs = 0
  modelCpuMs = 0
  private lastReturn: number | undefined

  constructor(private readonly slowSampler: number) {}

  reset() {
    this.modelWallMs = 0
    this.modelCpuMs = 0
    this.lastReturn = undefined
  }

  timed<A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> {
    return Effect.suspend(() => {
      if (this.slowSampler > 1 && this.lastReturn !== undefined) spin((performance.now() - this.lastReturn) * (this.slowSampler - 1))
      const wall = performance.now()
      const cpu = cpuMs()
      return Effect.tap(effect, () =>
        Effect.sync(() => {
          this.modelCpuMs += cpuMs() - cpu
          this.lastReturn = performance.now()
          this.modelWallMs += this.lastReturn - wall
        }))
    })
  }
}

type Setting = "ar" | "quarter" | "full" | "greedyPlain" | "greedyDual"

const slowed = (models: BenchModels, factor: number): Denoiser["Service"] => ({
  denoise: (batch) =>
    Effect.gen(function*() {
      for (let extra = 1; extra < factor; extra++) yield* models.denoiser.denoise(batch)
      return yield* models.denoiser.denoise(batch)
    }),
})

const maskedCanvas = (models: BenchModels, batch: number, length: number) => {
  const ids = new Int32Array(batch * length).fill(models.diffusionIds.maskId)
  for (let row = 0; row < batch; row++) ids[row * length] = models.bosId
  return { ids, batch, length }
}

/** CPU ms of `callsPerRound` calls after `warmupCalls` discarded ones. */
const timeCalls = <E>(call: Effect.Effect<unknown, E>, plan: GatePlan) =>
  Effect.gen(function*() {
    for (let i = 0; i < plan.warmupCalls; i++) yield* call
    const samples: Array<number> = []
    for (let i = 0; i < plan.callsPerRound; i++) {
      const cpu = cpuMs()
      yield* call
      samples.push(cpuMs() - cpu)
    }
    return samples
  })

/**
 * Measures the gate's inputs in `rounds` rounds; each round runs AR, vanilla T = N/4 and T = N
 * (one warm-up, then `runsPerRound` timed runs with seeds 0, 1, …) and the single-call shapes.
 */
export const measureGate = (
  models: BenchModels,
  plan: GatePlan,
  rounds: number,
  injected: GateMeasurement["injected"],
): Effect.Effect<GateMeasurement, InvalidParams | ModelError> =>
  Effect.gen(function*() {
    const startedAt = new Date().toISOString()
    const machine = describeMachine(models.provider, models.intraOpThreads)
    const meter = new ModelMeter(injected.slowSampler)
    const denoiser = slowed(models, injected.slowDiffusion)
    const cached = models.cachedDenoiser({ confidenceHead: true })
    const meteredCached: CachedDenoiser = {
      fill: (request) => meter.timed(cached.fill(request)),
      refine: (request, cache) => meter.timed(cached.refine(request, cache)),
    }
    const meteredDenoiser: Denoiser["Service"] = { denoise: (batch) => meter.timed(denoiser.denoise(batch)), cached: meteredCached }
    const meteredCausal: CausalLM["Service"] = {
      prefill: (ids) => meter.timed(models.causalLM.prefill(ids)),
      step: (token, cache) => meter.timed(models.causalLM.step(token, cache)),
    }
    const prompt = Int32Array.from([models.bosId])
    // Decoded by core's own schemas, so parameters core adds later get their defaults.
    const diffusion = (steps: number, seed: number, fast: object = { temperature: 1 }) =>
      Schema.decodeUnknownSync(DiffusionParams)({ genLength: plan.genLength, steps, remasking: "low_confidence", seed, ...fast })
    const greedyDual = { temperature: 0, cache: "dual", blockLength: plan.cacheBlock, threshold: 0.9 }
    const ar = (seed: number) => Schema.decodeUnknownSync(ArParams)({ maxTokens: plan.genLength, temperature: 1, stopAtEos: false, seed })

    const diffusionParams = (setting: Exclude<Setting, "ar">, seed: number) => {
      switch (setting) {
        case "quarter":
          return diffusion(plan.genLength / 4, seed)
        case "full":
          return diffusion(plan.genLength, seed)
        case "greedyPlain":
          return diffusion(plan.genLength, seed, { temperature: 0 })
        case "greedyDual":
          return diffusion(plan.genLength, seed, greedyDual)
      }
    }
    const generate = (setting: Setting, seed: number): Effect.Effect<GenerationResult, InvalidParams | ModelError> =>
      setting === "ar"
        ? collectResult(arGenerate(prompt, ar(seed), models.arIds)).pipe(Effect.provideService(CausalLM, meteredCausal))
        : collectResult(diffusionGenerate(prompt, diffusionParams(setting, seed), models.diffusionIds)).pipe(
          Effect.provideService(Denoiser, meteredDenoiser),
        )

    const timedRuns = (setting: Setting) =>
      Effect.gen(function*() {
        yield* generate(setting, 10_000)
        const samples: Array<RunSample> = []
        for (let seed = 0; seed < plan.runsPerRound; seed++) {
          meter.reset()
          const wall = performance.now()
          const cpu = cpuMs()
          const result = yield* generate(setting, seed)
          samples.push({ wallMs: performance.now() - wall, cpuMs: cpuMs() - cpu, modelWallMs: meter.modelWallMs, modelCpuMs: meter.modelCpuMs, nfe: result.nfe })
        }
        return samples
      })

    const callSamples: Effect.Effect<CallSamples, ModelError> = Effect.gen(function*() {
      const canvas = 1 + plan.genLength
      const { cache } = yield* models.causalLM.prefill(new Int32Array(plan.longLength - 1).fill(models.bosId))
      return {
        canvas: yield* timeCalls(denoiser.denoise(maskedCanvas(models, 1, canvas)), plan),
        canvasBatch: yield* timeCalls(denoiser.denoise(maskedCanvas(models, plan.batch, canvas)), plan),
        diffusionLong: yield* timeCalls(denoiser.denoise(maskedCanvas(models, 1, plan.longLength)), plan),
        arStepLong: yield* timeCalls(models.causalLM.step(models.bosId, cache), plan),
      }
    })

    const measured: Array<GateRound> = []
    for (let round = 1; round <= rounds; round++) {
      const started = performance.now()
      const result: GateRound = {
        ar: yield* timedRuns("ar"),
        quarter: yield* timedRuns("quarter"),
        full: yield* timedRuns("full"),
        greedyPlain: yield* timedRuns("greedyPlain"),
        greedyDual: yield* timedRuns("greedyDual"),
        calls: yield* callSamples,
      }
      measured.push(result)
      yield* Console.error(`gate round ${round}/${rounds}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
    }
    return { startedAt, machine, plan, injected, rounds: measured }
  })
