import { describe, expect, it } from "vitest"
import { makeRng } from "../src/index.js"
import { classifierFreeGuidance } from "../src/sampling/classifierFreeGuidance.js"
import { predictPosition } from "../src/sampling/predictPosition.js"
import { selectCommits } from "../src/sampling/selectCommits.js"

const probabilities = [0.5, 0.3, 0.2]
const logits = Float64Array.from(probabilities, Math.log)

describe("predictPosition", () => {
  it("scores the argmax token with each remasking strategy (hand values)", () => {
    const rng = makeRng(0)
    expect(predictPosition(logits, "low_confidence", 0, rng)).toEqual({ token: 0, confidence: expect.closeTo(0.5, 12) })
    expect(predictPosition(logits, "margin", 0, rng).confidence).toBeCloseTo(0.2, 12)
    const negativeEntropy = probabilities.reduce((sum, p) => sum + p * Math.log(p), 0)
    expect(predictPosition(logits, "entropy", 0, rng).confidence).toBeCloseTo(negativeEntropy, 12)
    const expectedNoise = makeRng(0).next()
    expect(predictPosition(logits, "random", 0, rng)).toEqual({ token: 0, confidence: expectedNoise })
  })

  it("Gumbel-max samples from softmax(logits / T)", () => {
    for (const temperature of [1, 0.5]) {
      const rng = makeRng(17)
      const counts = [0, 0, 0]
      const draws = 6000
      for (let i = 0; i < draws; i++) counts[predictPosition(logits, "low_confidence", temperature, rng).token]! += 1
      const tempered = probabilities.map((p) => p ** (1 / temperature))
      const total = tempered.reduce((a, b) => a + b, 0)
      counts.forEach((count, token) => expect(count / draws).toBeCloseTo((tempered[token] ?? 0) / total, 1))
    }
  })

  it("never picks a token whose logit is −∞", () => {
    const withImpossible = Float64Array.of(0, -Infinity, 0)
    const rng = makeRng(5)
    for (let i = 0; i < 200; i++) expect(predictPosition(withImpossible, "margin", 2, rng).token).not.toBe(1)
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
