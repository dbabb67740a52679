import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { EPS, makeRng, maskTokens, numTransferTokens, pMask } from "../src/index.js"

describe("pMask", () => {
  it("is (1 − ε)t + ε with ε = 1e-3", () => {
    expect(EPS).toBe(1e-3)
    expect(pMask(0)).toBe(1e-3)
    expect(pMask(1)).toBe(1)
    expect(pMask(0.5)).toBeCloseTo(0.5005, 15)
  })
})

describe("maskTokens", () => {
  const x0 = Int32Array.from({ length: 64 }, (_, i) => i % 10)

  it("masks every free position at t = 1 and never a protected one", () => {
    const { xt, masked, p } = maskTokens(x0, 1, makeRng(0), { maskId: 99, protectedPositions: [0, 5] })
    expect(p).toBe(1)
    expect(xt[0]).toBe(0)
    expect(xt[5]).toBe(5)
    expect(masked[0]).toBe(0)
    expect(Array.from(masked).filter((m) => m === 1)).toHaveLength(62)
    expect(Array.from(xt).filter((id) => id === 99)).toHaveLength(62)
  })

  it("keeps xt and masked consistent, leaves x0 untouched and follows pMask on average", () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), (t, seed) => {
      const before = x0.slice()
      const { xt, masked } = maskTokens(x0, t, makeRng(seed), { maskId: 99, protectedPositions: [0] })
      expect(x0).toEqual(before)
      xt.forEach((id, i) => expect(id).toBe(masked[i] === 1 ? 99 : x0[i]))
      expect(masked[0]).toBe(0)
    }))
    const rng = makeRng(1)
    let count = 0
    for (let trial = 0; trial < 200; trial++) {
      count += maskTokens(x0, 0.3, rng, { maskId: 99, protectedPositions: [] }).masked.reduce((a, b) => a + b, 0)
    }
    expect(count / (200 * 64)).toBeCloseTo(pMask(0.3), 1)
  })
})

describe("numTransferTokens", () => {
  it("splits evenly with the remainder on the first steps (LLaDA)", () => {
    expect(numTransferTokens(10, 3)).toEqual([4, 3, 3])
    expect(numTransferTokens(8, 8)).toEqual([1, 1, 1, 1, 1, 1, 1, 1])
    expect(numTransferTokens(7, 2)).toEqual([4, 3])
  })

  it("sums to the mask count, non-increasing, spread at most 1", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 64 }), (maskCount, steps) => {
      const schedule = numTransferTokens(maskCount, steps)
      expect(schedule).toHaveLength(steps)
      expect(schedule.reduce((a, b) => a + b, 0)).toBe(maskCount)
      expect(Math.max(...schedule) - Math.min(...schedule)).toBeLessThanOrEqual(1)
      schedule.forEach((n, i) => expect(n).toBeLessThanOrEqual(schedule[i - 1] ?? n))
    }))
  })
})
