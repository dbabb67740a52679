import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { crossEntropy, type LogitsBatch, logSoftmax, logSumExp, pretrainingLoss, sftLoss } from "../src/index.js"

const { log, LN2 } = Math
const batchOf = (rows: Array<Array<Array<number>>>): LogitsBatch => ({
  data: Float32Array.from(rows.flat(2)),
  batch: rows.length,
  length: rows[0]?.length ?? 0,
  vocab: rows[0]?.[0]?.length ?? 0,
})

// Row 0: CE(pos 0) = ln 2, CE(pos 1) = −log(1/4) = ln 4. Row 1: CE(pos 1) = −log(3/4).
const logits = batchOf([[[0, 0], [log(3), 0]], [[0, 0], [0, log(3)]]])
const x0 = Int32Array.of(0, 1, 1, 1)
const masked = Uint8Array.of(1, 1, 0, 1)
const p = [0.5, 0.25]

describe("logSoftmax", () => {
  it("matches hand values and is stable for huge logits", () => {
    const values = logSoftmax([0, log(3)])
    expect(values[0]).toBeCloseTo(log(1 / 4), 12)
    expect(values[1]).toBeCloseTo(log(3 / 4), 12)
    expect(Array.from(logSoftmax(Float32Array.of(1e4, 1e4)))).toEqual([-LN2, -LN2])
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity)
    expect(crossEntropy(Float32Array.of(1e4, 1e4), 1)).toBe(LN2)
  })

  it("sums to one in probability space and is shift invariant", () => {
    const row = fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 20 })
    fc.assert(fc.property(row, fc.double({ min: -1e3, max: 1e3, noNaN: true }), (values, shift) => {
      const result = logSoftmax(values)
      expect(result.reduce((sum, v) => sum + Math.exp(v), 0)).toBeCloseTo(1, 9)
      logSoftmax(values.map((v) => v + shift)).forEach((v, i) => expect(v).toBeCloseTo(result[i] ?? NaN, 6))
    }))
  })
})

describe("pretrainingLoss", () => {
  it("is Σ_masked CE / p / (B·L) (hand-computed)", () => {
    expect(pretrainingLoss(logits, x0, masked, p)).toBeCloseTo((6 * LN2 + 4 * log(4 / 3)) / 4, 6)
  })

  it("ignores unmasked positions", () => {
    expect(pretrainingLoss(logits, x0, new Uint8Array(4), p)).toBe(0)
  })

  it("rejects inconsistent shapes and targets outside the vocabulary", () => {
    expect(() => pretrainingLoss(logits, Int32Array.of(0, 1), masked, p)).toThrow(RangeError)
    expect(() => pretrainingLoss(logits, x0, Uint8Array.of(1), p)).toThrow(RangeError)
    expect(() => pretrainingLoss(logits, x0, masked, [0.5])).toThrow(RangeError)
    expect(() => pretrainingLoss({ ...logits, vocab: 3 }, x0, masked, p)).toThrow(RangeError)
    expect(() => pretrainingLoss(logits, Int32Array.of(0, 2, 1, 1), masked, p)).toThrow(/outside the vocabulary/)
  })
})

describe("sftLoss", () => {
  it("is Σ_masked answer (CE / p) / answerLength / B (hand-computed)", () => {
    expect(sftLoss(logits, x0, masked, p, 1)).toBeCloseTo((4 * LN2 + 4 * log(4 / 3)) / 2, 6)
  })

  it("accepts one prompt length per row and never scores the prompt", () => {
    expect(sftLoss(logits, x0, masked, p, [0, 1])).toBeCloseTo((3 * LN2 + 4 * log(4 / 3)) / 2, 6)
  })

  it("needs an answer in every row", () => {
    expect(() => sftLoss(logits, x0, masked, p, 2)).toThrow(/no answer/)
    expect(() => sftLoss(logits, x0, masked, p, [1])).toThrow(/row 1/)
  })
})
