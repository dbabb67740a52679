import type { ConfidenceBatch } from "../model/WindowPredictions.js"
import type { Remasking } from "../params/DiffusionParams.js"
import type { Rng } from "../random/Rng.js"

/** The token proposed for a masked position and how confident the remasking strategy is in it. */
export interface Prediction {
  readonly token: number
  readonly confidence: number
}

/** logits[v] in float64, with the `excluded` entry (the mask token, or −1 for none) read as −∞. */
const valueAt = (logits: ArrayLike<number>, excluded: number, v: number): number =>
  v === excluded ? -Infinity : (logits[v] ?? -Infinity)

/** Index of the largest value, the lowest on ties (0 when every value is −∞). */
const argmaxOf = (logits: ArrayLike<number>, excluded: number): number => {
  let best = 0
  let bestValue = valueAt(logits, excluded, 0)
  for (let v = 1; v < logits.length; v++) {
    const value = valueAt(logits, excluded, v)
    if (value > bestValue) {
      best = v
      bestValue = value
    }
  }
  return best
}

/**
 * Gumbel-max sampling in float64: argmax_v logits[v] − T·log(−log U_v), one `rng.next()` per
 * vocabulary entry in order (the excluded one included, so draws do not depend on it). This is
 * LLaDA's argmax of exp(logits) / (−log U)^T taken in log space, which cannot overflow.
 */
const gumbelArgmax = (logits: ArrayLike<number>, excluded: number, temperature: number, rng: Rng): number => {
  let best = 0
  let bestValue = -Infinity
  for (let v = 0; v < logits.length; v++) {
    const value = valueAt(logits, excluded, v) + -temperature * Math.log(-Math.log(rng.next()))
    if (v === 0 || value > bestValue) {
      best = v
      bestValue = value
    }
  }
  return best
}

/** log Σ exp(logits), given their maximum. */
const logSumExpFrom = (logits: ArrayLike<number>, excluded: number, max: number): number => {
  if (max === -Infinity) return max
  let sum = 0
  for (let v = 0; v < logits.length; v++) if (v !== excluded) sum += Math.exp((logits[v] ?? -Infinity) - max)
  return max + Math.log(sum)
}

const maxOf = (logits: ArrayLike<number>, excluded: number): number => {
  let max = -Infinity
  for (let v = 0; v < logits.length; v++) if (v !== excluded) max = Math.max(max, logits[v] ?? -Infinity)
  return max
}

const topTwoProbabilities = (logits: ArrayLike<number>, excluded: number, normaliser: number): readonly [number, number] => {
  let first = 0
  let second = 0
  for (let v = 0; v < logits.length; v++) {
    const probability = Math.exp(valueAt(logits, excluded, v) - normaliser)
    if (probability > first) [first, second] = [probability, first]
    else if (probability > second) second = probability
  }
  return [first, second]
}

const negativeEntropy = (logits: ArrayLike<number>, excluded: number, normaliser: number): number => {
  let sum = 0
  for (let v = 0; v < logits.length; v++) {
    const logProbability = valueAt(logits, excluded, v) - normaliser
    if (logProbability > -Infinity) sum += Math.exp(logProbability) * logProbability
  }
  return sum
}

/**
 * Picks the token for one masked position from its (guided) logits, then scores it:
 * `low_confidence` softmax probability of the token (LLaDA), `random` uniform noise (one more
 * draw), `margin` top-1 minus top-2 probability, `entropy` negative entropy (Dream). Scores use
 * the logits before temperature noise; the `excluded` token (−1: none) is never chosen.
 */
export const predictPosition = (
  logits: ArrayLike<number>,
  excluded: number,
  remasking: Remasking,
  temperature: number,
  rng: Rng,
): Prediction => {
  const token = temperature === 0 ? argmaxOf(logits, excluded) : gumbelArgmax(logits, excluded, temperature, rng)
  // Greedy: the chosen token's logit is the maximum.
  const max = temperature === 0 ? valueAt(logits, excluded, token) : maxOf(logits, excluded)
  const normaliser = logSumExpFrom(logits, excluded, max)
  switch (remasking) {
    case "low_confidence":
      return { token, confidence: Math.exp(valueAt(logits, excluded, token) - normaliser) }
    case "random":
      return { token, confidence: rng.next() }
    case "margin": {
      const [first, second] = topTwoProbabilities(logits, excluded, normaliser)
      return { token, confidence: first - second }
    }
    case "entropy":
      return { token, confidence: negativeEntropy(logits, excluded, normaliser) }
  }
}

/**
 * The greedy prediction for row `index` of a fused confidence head's summary: the same token and
 * score as `predictPosition` at temperature 0, computed in the model's precision.
 */
export const predictFromConfidence = (
  { topTokens, topProbabilities, entropy }: ConfidenceBatch,
  index: number,
  remasking: Remasking,
  rng: Rng,
): Prediction => {
  const token = topTokens[2 * index]!
  switch (remasking) {
    case "low_confidence":
      return { token, confidence: topProbabilities[2 * index]! }
    case "random":
      return { token, confidence: rng.next() }
    case "margin":
      return { token, confidence: topProbabilities[2 * index]! - topProbabilities[2 * index + 1]! }
    case "entropy":
      return { token, confidence: -entropy[index]! }
  }
}
