import {
  type CachedDenoiser,
  collectResult,
  Denoiser,
  diffusionGenerate,
  DiffusionParams,
  type LogitsBatch,
  ModelError,
  type WindowPredictions,
  type WindowRequest,
} from "@unmask/core"
import { Effect, Schema } from "effect"
import type { BenchModels } from "../models/BenchModels.js"
import { summarize } from "../stats/summarize.js"
import type { DriftRow } from "./FastResults.js"

interface DriftSample {
  readonly stepsSinceFill: number
  readonly maxAbsLogitDiff: number
  readonly agreeing: number
  readonly compared: number
}

const argmaxOf = (row: Float32Array): number => {
  let best = 0
  for (let v = 1; v < row.length; v++) if (row[v]! > row[best]!) best = v
  return best
}

/** Compares a window's cached logits with the full forward's at the positions still masked. */
const compare = (request: WindowRequest, cached: LogitsBatch, full: LogitsBatch, maskId: number, stepsSinceFill: number): DriftSample => {
  const { vocab } = full
  let maxAbsLogitDiff = 0
  let agreeing = 0
  let compared = 0
  for (let position = request.window.start; position < request.window.end; position++) {
    if (request.batch.ids[position] !== maskId) continue
    const cachedRow = cached.data.subarray((position - request.window.start) * vocab, (position - request.window.start + 1) * vocab)
    const fullRow = full.data.subarray(position * vocab, (position + 1) * vocab)
    for (let v = 0; v < vocab; v++) maxAbsLogitDiff = Math.max(maxAbsLogitDiff, Math.abs(cachedRow[v]! - fullRow[v]!))
    if (argmaxOf(cachedRow) === argmaxOf(fullRow)) agreeing++
    compared++
  }
  return { stepsSinceFill, maxAbsLogitDiff, agreeing, compared }
}

const logitsOf = (predictions: WindowPredictions): Effect.Effect<LogitsBatch, ModelError> =>
  predictions._tag === "Logits"
    ? Effect.succeed(predictions.logits)
    : Effect.fail(new ModelError({ message: "the drift measurement needs full logits" }))

/**
 * Runs greedy cached generations (threshold 0.9, blocks of 32) and, beside every cached call, a
 * full forward over the same canvas: the drift of the block cache as it ages within a block.
 */
export const measureDrift = (
  models: BenchModels,
  prompts: ReadonlyArray<Int32Array>,
  genLength: number,
  blockLength: number,
): Effect.Effect<Array<DriftRow>, unknown> =>
  Effect.gen(function*() {
    const rows: Array<DriftRow> = []
    const maskId = models.diffusionIds.maskId
    for (const cache of ["prefix", "dual"] as const) {
      const samples: Array<DriftSample> = []
      for (const promptIds of prompts) {
        const inner = models.cachedDenoiser({ confidenceHead: false })
        let stepsSinceFill = 0
        const measured = (request: WindowRequest, predictions: WindowPredictions, steps: number) =>
          Effect.gen(function*() {
            const cached = yield* logitsOf(predictions)
            const full = yield* models.denoiser.denoise(request.batch)
            samples.push(compare(request, cached, full, maskId, steps))
          })
        const comparing: CachedDenoiser = {
          fill: (request) =>
            Effect.tap(inner.fill(request), ({ predictions }) => {
              stepsSinceFill = 0
              return measured(request, predictions, 0)
            }),
          refine: (request, denoiserCache) =>
            Effect.tap(inner.refine(request, denoiserCache), (predictions) => measured(request, predictions, ++stepsSinceFill)),
        }
        const params = Schema.decodeUnknownSync(DiffusionParams)({
          genLength, steps: genLength, blockLength, remasking: "low_confidence" as const, temperature: 0, cfgScale: 0,
          stopAtEos: false, seed: 0, cache, threshold: 0.9,
        })
        yield* collectResult(diffusionGenerate(promptIds, params, models.diffusionIds)).pipe(
          Effect.provideService(Denoiser, { ...models.denoiser, cached: comparing }),
        )
      }
      const ages = [...new Set(samples.map((sample) => sample.stepsSinceFill))].sort((a, b) => a - b)
      for (const stepsSinceFill of ages) {
        const atAge = samples.filter((sample) => sample.stepsSinceFill === stepsSinceFill && sample.compared > 0)
        if (atAge.length === 0) continue
        rows.push({
          cache,
          stepsSinceFill,
          calls: atAge.length,
          maxAbsLogitDiff: summarize(atAge.map((sample) => sample.maxAbsLogitDiff)),
          top1Agreement: atAge.reduce((sum, s) => sum + s.agreeing, 0) / atAge.reduce((sum, s) => sum + s.compared, 0),
        })
      }
    }
    return rows
  })
