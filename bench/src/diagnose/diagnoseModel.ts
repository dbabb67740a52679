import { collectResult, Denoiser, diffusionGenerate, DiffusionParams } from "@unmask/core"
import { Effect, Layer, Schema } from "effect"
import type { BenchModels } from "../models/BenchModels.js"
import { calibration } from "./calibration.js"
import type { DenoiseTrace, TracedCall } from "./DenoiseTrace.js"
import { oracleFigures } from "./oracleTokensPerForward.js"
import { tracingDenoiser } from "./tracingDenoiser.js"

export interface DiagnosisPlan {
  readonly genLength: number
  readonly blockLength: number
}

/**
 * Greedy plain LLaDA decoding with semi-AR blocks (T = N: one token a call) on every prompt, each
 * call traced; then the oracle's tokens per forward and the confidence calibration of the model.
 */
export const diagnoseModel = (models: BenchModels, prompts: ReadonlyArray<Int32Array>, plan: DiagnosisPlan) =>
  Effect.gen(function*() {
    const traces: Array<DenoiseTrace> = []
    for (const promptIds of prompts) {
      const calls: Array<TracedCall> = []
      const result = yield* collectResult(diffusionGenerate(promptIds, Schema.decodeUnknownSync(DiffusionParams)({
        genLength: plan.genLength, steps: plan.genLength, blockLength: plan.blockLength, remasking: "low_confidence",
        temperature: 0, cfgScale: 0, stopAtEos: false, seed: 0, cache: "none",
      }), models.diffusionIds)).pipe(
        Effect.provide(Layer.succeed(Denoiser, tracingDenoiser(models.denoiser, models.diffusionIds.maskId, calls))),
      )
      traces.push({
        genStart: promptIds.length, genLength: plan.genLength, blockLength: plan.blockLength, maskId: models.diffusionIds.maskId,
        calls, final: Int32Array.from([...promptIds, ...result.tokens]),
      })
    }
    const perPrompt = traces.map(oracleFigures)
    const oracleCalls = perPrompt.reduce((n, f) => n + f.oracleCalls, 0)
    return {
      plan,
      prompts: prompts.length,
      oracle: {
        perPrompt,
        meanOracleTokensPerForward: (plan.genLength * prompts.length) / oracleCalls,
      },
      calibration: calibration(traces),
    }
  })

export type Diagnosis = Effect.Success<ReturnType<typeof diagnoseModel>>
