import { Effect, Exit, type Layer } from "effect"
import { describe, expect, it } from "vitest"
import { type Denoiser, likelihoodBound, type LikelihoodBoundOptions } from "../src/index.js"
import { stratifiedMaskCounts } from "../src/loss/stratifiedMaskCounts.js"
import { brokenDenoiser, peak, testDoubleDenoiser } from "./support/testDoubleDenoiser.js"

const MASK = 3
const run = (ids: Int32Array, options: LikelihoodBoundOptions, layer: Layer.Layer<Denoiser>) =>
  Effect.runSync(Effect.exit(likelihoodBound(ids, options).pipe(Effect.provide(layer))))
const bound = (ids: Int32Array, options: LikelihoodBoundOptions, layer: Layer.Layer<Denoiser>) => {
  const exit = run(ids, options, layer)
  if (Exit.isFailure(exit)) throw new Error(`likelihoodBound failed: ${String(exit.cause)}`)
  return exit.value
}
const maskCountsPerRow = (batch: { ids: Int32Array; batch: number; length: number }) =>
  Array.from({ length: batch.batch }, (_, row) =>
    batch.ids.subarray(row * batch.length, (row + 1) * batch.length).filter((id) => id === MASK).length)

describe("stratifiedMaskCounts", () => {
  it("spaces the counts evenly from k and wraps into 1..answerLength", () => {
    expect(stratifiedMaskCounts(3, 4, 8)).toEqual([3, 5, 7, 1])
    expect(stratifiedMaskCounts(1, 2, 2)).toEqual([1, 2])
    expect(stratifiedMaskCounts(2, 2, 2)).toEqual([2, 1])
  })
})

describe("likelihoodBound", () => {
  it("matches a hand-computed value on a tiny case", () => {
    // ids = [BOS, 1, 2]: the answer is positions 1 and 2 (A = 2). One mini-batch of 2 rows gets
    // mask counts {1, 2}. The double predicts a masked position with CE ln 4 when the other answer
    // position is masked too, and CE ln 2 when it is visible. So row(count 2) = 2·ln 4 / (2/2) and
    // row(count 1) = ln 2 / (1/2): mean 3 ln 2 over 2 tokens, 1.5 bits per token, SE ln 2 / 2.
    const double = testDoubleDenoiser(4, (canvas, position) => {
      const other = position === 1 ? 2 : 1
      return canvas[other] === MASK ? new Float32Array(4) : peak(4, position, Math.log(3))
    })
    const result = bound(Int32Array.of(0, 1, 2), { samples: 2, batchSize: 2, maskId: MASK, seed: 5 }, double.layer)
    expect(result.natsPerToken).toBeCloseTo(1.5 * Math.LN2, 6)
    expect(result.bitsPerToken).toBeCloseTo(1.5, 6)
    expect(result.standardError).toBeCloseTo(Math.LN2 / 2, 6)
    expect(double.calls).toHaveLength(1)
  })

  it("is exactly ln V per token under uniform logits, with zero standard error", () => {
    const double = testDoubleDenoiser(8, () => new Float32Array(8))
    const ids = Int32Array.of(0, 1, 2, 4, 5, 6, 7, 1)
    const result = bound(ids, { samples: 12, batchSize: 4, maskId: MASK, seed: 1 }, double.layer)
    expect(result.natsPerToken).toBeCloseTo(Math.log(8), 6)
    expect(result.bitsPerToken).toBeCloseTo(3, 6)
    expect(result.standardError).toBeCloseTo(0, 6)
  })

  it("never masks the prompt or position 0, and gives each mini-batch stratified counts", () => {
    const double = testDoubleDenoiser(8, () => new Float32Array(8))
    const ids = Int32Array.of(0, 1, 2, 4, 5, 6, 7, 1, 2)
    bound(ids, { samples: 10, batchSize: 4, maskId: MASK, seed: 9 }, double.layer)
    bound(ids, { promptLength: 3, samples: 10, batchSize: 4, maskId: MASK, seed: 9 }, double.layer)
    expect(double.calls.map((c) => c.batch)).toEqual([4, 4, 2, 4, 4, 2])
    double.calls.forEach((call, i) => {
      const fixed = i < 3 ? 1 : 3
      const answerLength = ids.length - fixed
      for (let row = 0; row < call.batch; row++) {
        expect(Array.from(call.ids.subarray(row * call.length, row * call.length + fixed))).toEqual(Array.from(ids.subarray(0, fixed)))
      }
      const counts = maskCountsPerRow(call)
      const k = counts[0] ?? 0
      expect(counts).toEqual(stratifiedMaskCounts(k, call.batch, answerLength))
    })
  })

  it("is an unbiased estimate: converges to the mean per-position CE of a context-free denoiser", () => {
    // CE at position i is −log softmax(peak(i))[ids[i]]; the bound's expectation is their mean.
    const ids = Int32Array.of(0, 1, 2, 4, 5, 6)
    const height = (position: number) => position * 0.7 - 1
    const double = testDoubleDenoiser(8, (_canvas, position) => peak(8, ids[position] ?? 0, height(position)))
    const ce = (position: number) => Math.log(Math.exp(height(position)) + 7) - height(position)
    const expected = [1, 2, 3, 4, 5].reduce((sum, i) => sum + ce(i), 0) / 5
    const result = bound(ids, { samples: 2048, batchSize: 64, maskId: MASK, seed: 3 }, double.layer)
    expect(Math.abs(result.natsPerToken - expected)).toBeLessThan(4 * result.standardError)
    expect(result.standardError).toBeGreaterThan(0)
  })

  it("with answerEnd scores a middle span: the suffix is conditioning, never masked, and the estimate converges to the span's CE", () => {
    const ids = Int32Array.of(0, 1, 2, 4, 5, 6, 7, 1)
    const height = (position: number) => position * 0.7 - 1
    const double = testDoubleDenoiser(8, (_canvas, position) => peak(8, ids[position] ?? 0, height(position)))
    const ce = (position: number) => Math.log(Math.exp(height(position)) + 7) - height(position)
    const expected = [2, 3, 4].reduce((sum, i) => sum + ce(i), 0) / 3
    const result = bound(ids, { promptLength: 2, answerEnd: 5, samples: 1024, batchSize: 64, maskId: MASK, seed: 3 }, double.layer)
    expect(Math.abs(result.natsPerToken - expected)).toBeLessThan(4 * result.standardError)
    for (const call of double.calls) {
      for (let row = 0; row < call.batch; row++) {
        const canvas = call.ids.subarray(row * call.length, (row + 1) * call.length)
        expect(Array.from(canvas.subarray(0, 2))).toEqual([0, 1])
        expect(Array.from(canvas.subarray(5))).toEqual(Array.from(ids.subarray(5)))
      }
      expect(maskCountsPerRow(call).every((count) => count >= 1 && count <= 3)).toBe(true)
    }
  })

  it("answerEnd at the end of the ids draws exactly what the default draws", () => {
    const ids = Int32Array.of(0, 1, 2, 4, 5, 6, 7, 1)
    const logits = (canvas: Int32Array, position: number) => peak(8, (canvas[position - 1] ?? 0) % 8, 1.5)
    const plain = testDoubleDenoiser(8, logits)
    const withEnd = testDoubleDenoiser(8, logits)
    const options = { promptLength: 2, samples: 16, batchSize: 8, maskId: MASK, seed: 11 }
    expect(bound(ids, { ...options, answerEnd: ids.length }, withEnd.layer)).toEqual(bound(ids, options, plain.layer))
    expect(withEnd.calls).toEqual(plain.calls)
  })

  it("defaults to 128 samples and reports NaN standard error for a single sample", () => {
    const double = testDoubleDenoiser(4, () => new Float32Array(4))
    bound(Int32Array.of(0, 1, 2), { batchSize: 32, maskId: MASK, seed: 0 }, double.layer)
    expect(double.calls.map((c) => c.batch)).toEqual([32, 32, 32, 32])
    expect(bound(Int32Array.of(0, 1), { samples: 1, batchSize: 1, maskId: MASK, seed: 0 }, double.layer).standardError).toBeNaN()
  })

  it("fails with InvalidParams naming the field, before any model call", () => {
    const double = testDoubleDenoiser(4, () => new Float32Array(4))
    const fieldOf = (ids: Int32Array, options: LikelihoodBoundOptions) => {
      const error = Effect.runSync(likelihoodBound(ids, options).pipe(Effect.provide(double.layer), Effect.flip))
      return error._tag === "InvalidParams" ? error : undefined
    }
    expect(fieldOf(Int32Array.of(0, 1), { promptLength: 2, batchSize: 1, maskId: MASK, seed: 0 })?.field).toBe("promptLength")
    expect(fieldOf(Int32Array.of(0), { batchSize: 1, maskId: MASK, seed: 0 })?.field).toBe("promptLength")
    expect(fieldOf(Int32Array.of(0, 1), { samples: 0, batchSize: 1, maskId: MASK, seed: 0 })?.field).toBe("samples")
    expect(fieldOf(Int32Array.of(0, 1), { batchSize: 1.5, maskId: MASK, seed: 0 })?.field).toBe("batchSize")
    expect(fieldOf(Int32Array.of(0, 1, 2), { promptLength: 2, answerEnd: 2, batchSize: 1, maskId: MASK, seed: 0 })?.field).toBe("answerEnd")
    expect(fieldOf(Int32Array.of(0, 1, 2), { answerEnd: 4, batchSize: 1, maskId: MASK, seed: 0 })?.field).toBe("answerEnd")
    expect(double.calls).toHaveLength(0)
  })

  it("passes model failures on as ModelError", () => {
    for (const kind of ["fails", "wrongShape"] as const) {
      const error = Effect.runSync(
        likelihoodBound(Int32Array.of(0, 1, 2), { batchSize: 2, samples: 2, maskId: MASK, seed: 0 }).pipe(
          Effect.provide(brokenDenoiser(kind)),
          Effect.flip,
        ),
      )
      expect(error._tag).toBe("ModelError")
    }
  })
})
