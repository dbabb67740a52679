import type { Rng } from "./Rng.js"

/** A uniformly random permutation of 0..n−1 (Fisher–Yates, n − 1 draws of `rng.nextInt`). */
export const randomPermutation = (rng: Rng, n: number): Int32Array => {
  const permutation = Int32Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1)
    const swap = permutation[i]!
    permutation[i] = permutation[j]!
    permutation[j] = swap
  }
  return permutation
}
