import type { Rng } from "../random/Rng.js"
import { argmax } from "./argmax.js"

export interface NextTokenOptions {
  readonly temperature: number
  readonly topK?: number
  readonly topP?: number
}

/**
 * The AR sampler's choice from the last position's logits. Temperature 0: argmax, no draw.
 * Otherwise, in float64: softmax(logits / T) restricted to the topK most likely tokens, then to the
 * shortest most-likely-first prefix whose mass reaches topP, renormalised, sampled by inverse CDF
 * with one `rng.next()`. Equal logits rank by lower id.
 */
export const sampleNextToken = (logits: Float32Array, options: NextTokenOptions, rng: Rng): number => {
  const { temperature, topK = logits.length, topP = 1 } = options
  if (temperature === 0) return argmax(logits)
  const ranked = Array.from(logits, (logit, id) => ({ id, scaled: logit / temperature }))
    .sort((a, b) => b.scaled - a.scaled || a.id - b.id)
    .slice(0, topK)
  const top = ranked[0]?.scaled ?? 0
  const weighted = ranked.map(({ id, scaled }) => ({ id, weight: Math.exp(scaled - top) }))
  const total = weighted.reduce((sum, { weight }) => sum + weight, 0)
  const nucleus: Array<{ readonly id: number; readonly weight: number }> = []
  let mass = 0
  for (const candidate of weighted) {
    if (mass >= topP * total) break
    nucleus.push(candidate)
    mass += candidate.weight
  }
  let u = rng.next() * mass
  for (const { id, weight } of nucleus) {
    u -= weight
    if (u < 0) return id
  }
  return nucleus[nucleus.length - 1]!.id // reached only through float rounding; the nucleus is never empty
}
