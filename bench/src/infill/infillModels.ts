import {
  ArParams,
  arGenerate,
  type CanvasTemplate,
  CausalLM,
  collectResult,
  Denoiser,
  diffusionInfill,
  DiffusionParams,
  type LikelihoodBound,
  likelihoodBound,
  maskedCount,
  type ModelError,
} from "@unmask/core"
import { Effect, Layer, Schema } from "effect"
import type { BenchModels } from "../models/BenchModels.js"
import { continuationNll } from "../quality/continuationNll.js"
import { concatIds } from "./concatIds.js"

/** What the infilling bench asks of the two models: write a middle, and score an ending with the AR model. */
export interface InfillModels {
  /** The diffusion model fills the template's `masks` positions, seeing both sides; one token per step. */
  readonly infill: (template: CanvasTemplate, params: Pick<DiffusionParams, "temperature" | "seed"> & Partial<DiffusionParams>) => Effect.Effect<ReadonlyArray<number>, unknown>
  /** The AR model continues `left` by `length` tokens (it sees the left only). */
  readonly continueLeft: (left: Int32Array, length: number, temperature: number, seed: number) => Effect.Effect<ReadonlyArray<number>, ModelError | unknown>
  /** NLL (nats, summed) of `ending` after `left` under the AR model: one uncached forward. */
  readonly endingNll: (left: ArrayLike<number>, ending: ArrayLike<number>) => Effect.Effect<number, ModelError>
  /** The diffusion model's Monte-Carlo bound on `ids[start, end)` given both sides (one batch of `samples` rows). */
  readonly middleBound: (ids: Int32Array, start: number, end: number, samples: number, seed: number) => Effect.Effect<LikelihoodBound, unknown>
}

export const infillModels = (models: BenchModels): InfillModels => {
  const diffusion = Layer.succeed(Denoiser, models.denoiser)
  const causal = Layer.succeed(CausalLM, models.causalLM)
  return {
    infill: (template, params) => {
      const genLength = maskedCount(template)
      return collectResult(diffusionInfill(template, Schema.decodeUnknownSync(DiffusionParams)({
        genLength, steps: genLength, remasking: "low_confidence", cfgScale: 0, stopAtEos: false, cache: "none", ...params,
      }), models.diffusionIds)).pipe(Effect.map((result) => result.tokens), Effect.provide(diffusion))
    },
    continueLeft: (left, length, temperature, seed) =>
      collectResult(arGenerate(left, Schema.decodeUnknownSync(ArParams)({ maxTokens: length, temperature, seed, stopAtEos: false }), models.arIds)).pipe(
        Effect.map((result) => result.tokens),
        Effect.provide(causal),
      ),
    endingNll: (left, ending) => {
      const sequence = concatIds(left, ending)
      return Effect.map(models.arSequenceLogits(sequence), (logits) => continuationNll(logits, sequence, left.length, models.arIds.vocabSize))
    },
    middleBound: (ids, start, end, samples, seed) =>
      likelihoodBound(ids, { promptLength: start, answerEnd: end, samples, batchSize: samples, maskId: models.diffusionIds.maskId, seed }).pipe(
        Effect.provide(diffusion),
      ),
  }
}
