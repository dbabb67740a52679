import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeRng } from "../src/index.js"
import { randomPermutation } from "../src/random/randomPermutation.js"

const draws = (seed: number, n: number) => {
  const rng = makeRng(seed)
  return Array.from({ length: n }, () => rng.nextUint32())
}

describe("makeRng (xoshiro128** seeded by SplitMix32)", () => {
  // Reference values from the C reference implementation (prng.di.unimi.it) seeded the same way.
  it("matches the reference implementation", () => {
    expect(draws(0, 5)).toEqual([1789933344, 44971166, 2521387044, 3848737593, 1138324114])
    expect(draws(42, 5)).toEqual([660444221, 3652823732, 77672526, 910233633, 2297337756])
    expect(draws(4294967295, 5)).toEqual([4104197751, 1825856343, 1152209388, 2427537429, 3685145430])
  })

  it("takes the seed modulo 2^32", () => {
    expect(draws(-1, 3)).toEqual(draws(4294967295, 3))
    expect(draws(2 ** 32 + 42, 3)).toEqual(draws(42, 3))
  })

  it("next() builds a float in [0, 1) from two 32-bit outputs", () => {
    const [a = 0, b = 0] = draws(7, 2)
    expect(makeRng(7).next()).toBe(((a >>> 5) * 2 ** 26 + (b >>> 6)) / 2 ** 53)
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
      const rng = makeRng(seed)
      for (let i = 0; i < 50; i++) {
        const u = rng.next()
        if (!(u >= 0 && u < 1)) return false
      }
      return true
    }))
  })

  it("nextInt stays in [0, bound) and covers it", () => {
    const rng = makeRng(3)
    const seen = new Set(Array.from({ length: 200 }, () => rng.nextInt(5)))
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4])
  })

  it("clone continues the same sequence independently", () => {
    const rng = makeRng(11)
    rng.nextUint32()
    const copy = rng.clone()
    const fromCopy = [copy.nextUint32(), copy.nextUint32()]
    expect([rng.nextUint32(), rng.nextUint32()]).toEqual(fromCopy)
  })
})

describe("randomPermutation", () => {
  it("is a permutation, reproducible from the seed", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 40 }), fc.nat(), (n, seed) => {
      const permutation = Array.from(randomPermutation(makeRng(seed), n))
      expect([...permutation].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i))
      expect(Array.from(randomPermutation(makeRng(seed), n))).toEqual(permutation)
    }))
  })
})
