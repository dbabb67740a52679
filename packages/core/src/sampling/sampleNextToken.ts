import type { Rng } from "../random/Rng.js"
import { argmax } from "./argmax.js"
import { type ForbiddenTokens, NO_FORBIDDEN_TOKENS } from "./forbiddenTokens.js"
import { isGreedy } from "./isGreedy.js"

export interface NextTokenOptions {
  readonly temperature: number
  readonly topK?: number
  readonly topP?: number
}

/**
 * The AR sampler's choice from the last position's logits, never a `forbidden` token. Greedy
 * (temperature below `MIN_SAMPLING_TEMPERATURE`): argmax, no draw. Otherwise, in float64:
 * softmax(logits / T) over the allowed tokens restricted to the topK most likely, then to the
 * shortest most-likely-first prefix whose mass reaches topP, renormalised, sampled by inverse CDF
 * with one `rng.next()`. Equal logits rank by lower id.
 */
export const sampleNextToken = (
  logits: Float32Array,
  options: NextTokenOptions,
  rng: Rng,
  forbidden: ForbiddenTokens = NO_FORBIDDEN_TOKENS,
): number => {
  const { temperature, topK = logits.length, topP = 1 } = options
  if (isGreedy(temperature)) return argmax(logits, forbidden)
  const allowed: Array<{ readonly id: number; readonly scaled: number }> = []
  for (let id = 0; id < logits.length; id++) if (forbidden[id] !== 1) allowed.push({ id, scaled: logits[id]! / temperature })
  const ranked = allowed.sort((a, b) => b.scaled - a.scaled || a.id - b.id).slice(0, topK)
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
  // Reached through float rounding or NaN weights (non-finite logits); the nucleus is empty only if every token is forbidden.
  return nucleus[nucleus.length - 1]!.id
}
