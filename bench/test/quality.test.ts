import { describe, expect, it } from "vitest"
import { continuationNll } from "../src/quality/continuationNll.js"
import { repeatedNgramShare } from "../src/quality/repeatedNgramShare.js"
import { unigramEntropy } from "../src/quality/unigramEntropy.js"

describe("unigramEntropy", () => {
  it("is 0 for a repeated token and log n for n distinct ones", () => {
    expect(unigramEntropy([7, 7, 7, 7])).toBe(0)
    expect(unigramEntropy([1, 2, 3, 4])).toBeCloseTo(Math.log(4), 12)
  })
})

describe("continuationNll", () => {
  it("scores each continuation token with the logits of the position before it", () => {
    const vocab = 2
    // position 0 predicts token 1 with p = 1/2; position 1 predicts token 0 with p = e/(e+1)
    const logits = Float32Array.from([0, 0, 1, 0, 0, 0])
    const sequence = Int32Array.from([0, 1, 0])
    expect(continuationNll(logits, sequence, 1, vocab)).toBeCloseTo(Math.log(2) + Math.log(1 + Math.exp(-1)), 6)
    expect(continuationNll(logits, sequence, 2, vocab)).toBeCloseTo(Math.log(1 + Math.exp(-1)), 6)
  })
})

describe("repeatedNgramShare", () => {
  it("counts the 4-grams seen earlier in the same sample", () => {
    expect(repeatedNgramShare([1, 2, 3, 4, 5, 6])).toBe(0)
    // 1 2 3 4 | 1 2 3 4: 4-grams 1234, 2341, 3412, 4123, 1234 (repeated)
    expect(repeatedNgramShare([1, 2, 3, 4, 1, 2, 3, 4])).toBeCloseTo(1 / 5, 12)
    expect(repeatedNgramShare([7, 7, 7, 7, 7])).toBeCloseTo(1 / 2, 12)
    expect(repeatedNgramShare([1, 2, 3])).toBeNaN()
  })
})
