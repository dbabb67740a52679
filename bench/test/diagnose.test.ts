import { describe, expect, it } from "vitest"
import { calibration } from "../src/diagnose/calibration.js"
import type { DenoiseTrace, TracedCall } from "../src/diagnose/DenoiseTrace.js"
import { oracleFigures, stableSteps } from "../src/diagnose/oracleTokensPerForward.js"
import { topOne } from "../src/diagnose/tracingDenoiser.js"

const M = 9
// A hand-written trace (a test double of a model's predictions): BOS at 0, four generated
// positions in two blocks of 2, committed one per call in the order 1, 2, 4, 3.
const call = (canvas: number[], topIds: number[], topProbs: number[]): TracedCall => ({
  canvas: Int32Array.from(canvas), topIds: Int32Array.from(topIds), topProbs: Float32Array.from(topProbs),
})
const trace: DenoiseTrace = {
  genStart: 1, genLength: 4, blockLength: 2, maskId: M,
  final: Int32Array.from([0, 5, 6, 7, 8]),
  calls: [
    call([0, M, M, M, M], [0, 5, 3, 7, 1], [1, 0.95, 0.4, 0.3, 0.2]),
    call([0, 5, M, M, M], [0, 5, 6, 7, 8], [1, 1, 0.85, 0.5, 0.5]),
    call([0, 5, 6, M, M], [0, 5, 6, 2, 8], [1, 1, 1, 0.6, 0.9]),
    call([0, 5, 6, M, 8], [0, 5, 6, 7, 8], [1, 1, 1, 0.7, 1]),
  ],
}

describe("stableSteps", () => {
  it("is the first call of the position's block from which its prediction stays final", () => {
    // position 3 was right at call 0 (block not open yet: ignored) and call 2 wrong, so stable from 3
    expect(Array.from(stableSteps(trace))).toEqual([0, 1, 3, 2])
  })

  it("gives the oracle one call per distinct stable step", () => {
    expect(oracleFigures(trace)).toEqual({ calls: 4, oracleCalls: 4, oracleTokensPerForward: 1 })
    const easy: DenoiseTrace = { ...trace, calls: trace.calls.map((c) => ({ ...c, topIds: Int32Array.from([0, 5, 6, 7, 8]) })) }
    expect(oracleFigures(easy)).toEqual({ calls: 4, oracleCalls: 2, oracleTokensPerForward: 2 })
  })
})

describe("calibration", () => {
  it("bins the current block's masked predictions by confidence against the final tokens", () => {
    const table = calibration([trace], 2)
    // the current block's masked predictions, call by call: 0.95 ✓, 0.4 ✗ | 0.85 ✓ | 0.6 ✗, 0.9 ✓ | 0.7 ✓
    // (call 1's predictions for positions 3 and 4 are outside the current block: not counted)
    expect(table.predictions).toBe(6)
    expect(table.bins[0]).toMatchObject({ count: 1, accuracy: 0 })
    expect(table.bins[1]!.count).toBe(5)
    expect(table.bins[1]!.accuracy).toBeCloseTo(4 / 5, 12)
    expect(table.bins[1]!.meanConfidence).toBeCloseTo((0.95 + 0.85 + 0.6 + 0.9 + 0.7) / 5, 6)
  })
})

describe("topOne", () => {
  it("takes the softmax top-1 with the mask id excluded", () => {
    const logits = Float32Array.from([0, 0, 5, /* row 2 */ 1, 3, 0])
    const { topIds, topProbs } = topOne(logits, 2, 3, 2)
    expect(Array.from(topIds)).toEqual([0, 1])
    expect(topProbs[0]).toBeCloseTo(0.5, 6)
    expect(topProbs[1]).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(3)), 6)
  })
})
