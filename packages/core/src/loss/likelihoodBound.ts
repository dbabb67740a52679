import { Effect, Schema } from "effect"
import { Denoiser } from "../model/Denoiser.js"
import { expectLogitsShape } from "../model/expectLogitsShape.js"
import type { ModelError } from "../model/ModelError.js"
import { decodeParams } from "../params/decodeParams.js"
import { IntBetween, withDefault } from "../params/fields.js"
import { InvalidParams } from "../params/InvalidParams.js"
import { MAX_SEED } from "../params/limits.js"
import { randomPermutation } from "../random/randomPermutation.js"
import { makeRng } from "../random/Rng.js"
import { maskedCrossEntropy } from "./maskedCrossEntropy.js"
import { stratifiedMaskCounts } from "./stratifiedMaskCounts.js"

const LikelihoodBoundOptions = Schema.Struct({
  promptLength: Schema.optionalKey(IntBetween(0, Number.MAX_SAFE_INTEGER)),
  answerEnd: Schema.optionalKey(IntBetween(0, Number.MAX_SAFE_INTEGER)),
  samples: IntBetween(1, Number.MAX_SAFE_INTEGER).pipe(withDefault(128)),
  batchSize: IntBetween(1, Number.MAX_SAFE_INTEGER),
  maskId: IntBetween(0, Number.MAX_SAFE_INTEGER),
  seed: IntBetween(0, MAX_SEED),
})
export type LikelihoodBoundOptions = typeof LikelihoodBoundOptions.Encoded

export interface LikelihoodBound {
  /** Monte-Carlo estimate of the negative ELBO per answer token, in nats: an upper bound on the NLL. */
  readonly natsPerToken: number
  readonly bitsPerToken: number
  /** Standard error of natsPerToken over the per-sample estimates (NaN for a single sample). */
  readonly standardError: number
}

const mean = (values: ReadonlyArray<number>): number => values.reduce((sum, v) => sum + v, 0) / values.length

const standardErrorOfMean = (values: ReadonlyArray<number>): number => {
  const m = mean(values)
  const variance = values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1)
  return Math.sqrt(variance / values.length)
}

/**
 * LLaDA's Monte-Carlo bound on the negative log-likelihood of the answer part of `ids`
 * (get_log_likelihood.py). Each mini-batch draws k ~ U{1..A} (A = answer length), gives its rows
 * the stratified mask counts c, masks c random answer positions per row, and scores
 * Σ_masked CE / (c / A). The per-sample estimates are averaged and divided by A.
 *
 * The first `promptLength` positions are conditioning and never masked. Position 0 is always
 * treated as prompt, even when promptLength is 0: the diffusion model uses it as its BOS anchor.
 * With `answerEnd`, the answer is positions [promptLength, answerEnd) and everything from
 * `answerEnd` on is conditioning too (a suffix: the bound of a middle span given both sides); the
 * default, the end of `ids`, draws exactly what it drew without it.
 * The last mini-batch is smaller when batchSize does not divide samples.
 */
export const likelihoodBound = (
  ids: Int32Array,
  options: LikelihoodBoundOptions,
): Effect.Effect<LikelihoodBound, InvalidParams | ModelError, Denoiser> =>
  Effect.gen(function*() {
    const { promptLength = 0, answerEnd, samples, batchSize, maskId, seed } = yield* decodeParams(LikelihoodBoundOptions)(options)
    const fixed = Math.max(promptLength, 1)
    const length = ids.length
    if (answerEnd !== undefined && answerEnd > length) {
      return yield* new InvalidParams({ field: "answerEnd", message: `answerEnd (${answerEnd}) is past the end of the ${length} ids` })
    }
    const answerLength = (answerEnd ?? length) - fixed
    if (answerLength < 1) {
      return yield* new InvalidParams({
        field: answerEnd === undefined ? "promptLength" : "answerEnd",
        message: `no answer left to score: ${length} ids, the first ${fixed} (BOS included) are prompt${answerEnd === undefined ? "" : `, those from ${answerEnd} on a suffix`}`,
      })
    }
    const denoiser = yield* Denoiser
    const rng = makeRng(seed)
    const estimates: Array<number> = []
    while (estimates.length < samples) {
      const rows = Math.min(batchSize, samples - estimates.length)
      const counts = stratifiedMaskCounts(1 + rng.nextInt(answerLength), rows, answerLength)
      const clean = new Int32Array(rows * length)
      const masked = new Uint8Array(rows * length)
      counts.forEach((count, row) => {
        clean.set(ids, row * length)
        for (const offset of randomPermutation(rng, answerLength).subarray(0, count)) {
          masked[row * length + fixed + offset] = 1
        }
      })
      const noisy = clean.map((id, i) => masked[i] === 1 ? maskId : id)
      const logits = yield* denoiser.denoise({ ids: noisy, batch: rows, length }).pipe(
        Effect.flatMap((out) => expectLogitsShape(out, { batch: rows, length, vocab: out.vocab })),
      )
      counts.forEach((count, row) => {
        estimates.push(maskedCrossEntropy(logits, clean, masked, row, fixed) / (count / answerLength))
      })
    }
    const natsPerToken = mean(estimates) / answerLength
    return {
      natsPerToken,
      bitsPerToken: natsPerToken / Math.LN2,
      standardError: standardErrorOfMean(estimates) / answerLength,
    }
  })
