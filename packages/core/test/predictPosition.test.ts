import { describe, expect, it } from "vitest"
import { makeRng } from "../src/index.js"
import { classifierFreeGuidance } from "../src/sampling/classifierFreeGuidance.js"
import { forbidding, NO_FORBIDDEN_TOKENS } from "../src/sampling/forbiddenTokens.js"
import { predictFromConfidence, predictPosition } from "../src/sampling/predictPosition.js"
import { selectCommits } from "../src/sampling/selectCommits.js"

const probabilities = [0.5, 0.3, 0.2]
const logits = Float64Array.from(probabilities, Math.log)

describe("predictPosition", () => {
  it("scores the argmax token with each remasking strategy (hand values)", () => {
    const rng = makeRng(0)
    expect(predictPosition(logits, NO_FORBIDDEN_TOKENS, "low_confidence", 0, rng)).toEqual({ token: 0, confidence: expect.closeTo(0.5, 12) })
    expect(predictPosition(logits, NO_FORBIDDEN_TOKENS, "margin", 0, rng).confidence).toBeCloseTo(0.2, 12)
    const negativeEntropy = probabilities.reduce((sum, p) => sum + p * Math.log(p), 0)
    expect(predictPosition(logits, NO_FORBIDDEN_TOKENS, "entropy", 0, rng).confidence).toBeCloseTo(negativeEntropy, 12)
    const expectedNoise = makeRng(0).next()
    expect(predictPosition(logits, NO_FORBIDDEN_TOKENS, "random", 0, rng)).toEqual({ token: 0, confidence: expectedNoise })
  })

  it("Gumbel-max samples from softmax(logits / T)", () => {
    for (const temperature of [1, 0.5]) {
      const rng = makeRng(17)
      const counts = [0, 0, 0]
      const draws = 6000
      for (let i = 0; i < draws; i++) counts[predictPosition(logits, NO_FORBIDDEN_TOKENS, "low_confidence", temperature, rng).token]! += 1
      const tempered = probabilities.map((p) => p ** (1 / temperature))
      const total = tempered.reduce((a, b) => a + b, 0)
      counts.forEach((count, token) => expect(count / draws).toBeCloseTo((tempered[token] ?? 0) / total, 1))
    }
  })

  it("never picks a token whose logit is −∞", () => {
    const withImpossible = Float64Array.of(0, -Infinity, 0)
    const rng = makeRng(5)
    for (let i = 0; i < 200; i++) expect(predictPosition(withImpossible, NO_FORBIDDEN_TOKENS, "margin", 2, rng).token).not.toBe(1)
  })
})

describe("classifierFreeGuidance", () => {
  it("is un + (s + 1)(cond − un)", () => {
    expect(Array.from(classifierFreeGuidance([2, -1], [1, 1], 0.5))).toEqual([2.5, -2])
    expect(Array.from(classifierFreeGuidance([2, -1], [1, 1], 0))).toEqual([2, -1])
  })
})

describe("selectCommits", () => {
  const candidates = [
    { position: 5, token: 1, confidence: 0.2 },
    { position: 3, token: 1, confidence: 0.9 },
    { position: 4, token: 1, confidence: 0.9 },
    { position: 6, token: 1, confidence: 1 },
  ]
  const positions = (rule: Parameters<typeof selectCommits>[1]) => selectCommits(candidates, rule).map((c) => c.position)

  it("takes the most confident, left to right on ties", () => {
    expect(positions({ count: 3 })).toEqual([6, 3, 4])
  })

  it("with a threshold: the top-1 plus every candidate at or above it; one only at threshold ≥ 1", () => {
    expect(positions({ threshold: 0.9 })).toEqual([6, 3, 4])
    expect(positions({ threshold: 0.95 })).toEqual([6])
    expect(positions({ threshold: 1 })).toEqual([6])
    expect(selectCommits(candidates.slice(0, 1), { threshold: 0.9 }).map((c) => c.position)).toEqual([5])
  })
})

describe("selectCommits with a factor (Fast-dLLM)", () => {
  const ranked = (...confidences: Array<number>) => confidences.map((confidence, position) => ({ position, token: 0, confidence }))
  const count = (confidences: Array<number>, factor: number) => selectCommits(ranked(...confidences), { factor }).length

  it("accepts the top n while the n-th confidence ≥ 1 − f/(n + 1); the first always", () => {
    // f = 1: thresholds for n = 2, 3, 4 are 2/3, 3/4, 4/5.
    expect(count([0.1, 0.05], 1)).toBe(1)
    expect(count([0.99, 0.7, 0.7, 0.9], 1)).toBe(2)
    expect(count([0.99, 0.82, 0.85, 0.81], 1)).toBe(4)
    expect(count([], 1)).toBe(0)
    // f ≥ n + 1 makes every threshold ≤ 0: all commit.
    expect(count([0.3, 0.01, 0.02, 0.001], 5)).toBe(4)
  })
})

describe("predictFromConfidence", () => {
  it("scores a fused head's summary as predictPosition scores the logits", () => {
    const confidence = {
      topTokens: Int32Array.of(0, 1),
      topProbabilities: Float32Array.of(0.5, 0.3),
      entropy: Float32Array.of(1.0296530140645737),
      batch: 1,
      length: 1,
    }
    const rng = makeRng(0)
    for (const remasking of ["low_confidence", "margin", "entropy"] as const) {
      const fromLogits = predictPosition(logits, NO_FORBIDDEN_TOKENS, remasking, 0, rng)
      const fromHead = predictFromConfidence(confidence, 0, remasking, rng)
      expect(fromHead.token).toBe(fromLogits.token)
      expect(fromHead.confidence).toBeCloseTo(fromLogits.confidence, 6)
    }
    expect(predictFromConfidence(confidence, 0, "random", makeRng(3)).confidence).toBe(makeRng(3).next())
  })

  it("reads a forbidden token as −∞ without copying the row", () => {
    const row = Float32Array.of(0, 5, 1)
    expect(predictPosition(row, forbidding(3, [1]), "low_confidence", 0, makeRng(0))).toEqual({
      token: 2,
      confidence: expect.closeTo(Math.E / (1 + Math.E), 6),
    })
    expect(Array.from(row)).toEqual([0, 5, 1])
  })
})
