/**
 * A seedable pseudo-random generator: the same seed gives the same sequence on every run, in every
 * JavaScript engine (only 32-bit integer arithmetic and exact float64 divisions).
 *
 * Algorithm: xoshiro128** 1.1 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c),
 * 128-bit state, 32-bit outputs. The state is filled with four consecutive outputs of SplitMix32
 * (the 32-bit SplitMix variant: add 0x9e3779b9, then `x ^= x >>> 16; x *= 0x21f0aaad;
 * x ^= x >>> 15; x *= 0x735a2d97; x ^= x >>> 15`) started from the seed taken as a uint32.
 * SplitMix32 is a bijection of its counter, so the four words are distinct and never all zero.
 */
export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  readonly nextUint32: () => number
  /** A uniform float64 in [0, 1) with 53 random bits (two 32-bit outputs: 27 high bits, then 26). */
  readonly next: () => number
  /** A uniform integer in [0, bound), for 1 ≤ bound ≤ 2^32 (bias below bound / 2^53). */
  readonly nextInt: (bound: number) => number
  /** An independent copy at the same position: both produce the same sequence from here on. */
  readonly clone: () => Rng
}

const TWO_POW_26 = 2 ** 26
const TWO_POW_53 = 2 ** 53

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k))

const splitMix32 = (seed: number): (() => number) => {
  let counter = seed | 0
  return () => {
    counter = (counter + 0x9e3779b9) | 0
    let x = counter ^ (counter >>> 16)
    x = Math.imul(x, 0x21f0aaad)
    x ^= x >>> 15
    x = Math.imul(x, 0x735a2d97)
    return (x ^ (x >>> 15)) >>> 0
  }
}

const fromState = (state: Uint32Array): Rng => {
  const nextUint32 = (): number => {
    // Indexed reads: destructuring a typed array goes through its iterator, 10× slower on V8.
    const s0 = state[0]!
    const s1 = state[1]!
    const s2 = state[2]!
    const s3 = state[3]!
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0
    const t = s1 << 9
    const n2 = s2 ^ s0
    const n3 = s3 ^ s1
    state[0] = s0 ^ n3
    state[1] = s1 ^ n2
    state[2] = n2 ^ t
    state[3] = rotl(n3, 11)
    return result
  }
  const next = (): number => ((nextUint32() >>> 5) * TWO_POW_26 + (nextUint32() >>> 6)) / TWO_POW_53
  return {
    nextUint32,
    next,
    nextInt: (bound) => Math.floor(next() * bound),
    clone: () => fromState(state.slice()),
  }
}

/** A generator seeded with `seed` taken modulo 2^32 (so -1 and 2^32 - 1 are the same seed). */
export const makeRng = (seed: number): Rng => {
  const seedWords = splitMix32(seed >>> 0)
  return fromState(Uint32Array.of(seedWords(), seedWords(), seedWords(), seedWords()))
}
