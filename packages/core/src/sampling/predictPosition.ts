import type { ConfidenceBatch } from "../model/WindowPredictions.js"
import type { Remasking } from "../params/DiffusionParams.js"
import type { Rng } from "../random/Rng.js"

/** The token proposed for a masked position and how confident the remasking strategy is in it. */
export interface Prediction {
  readonly token: number
  readonly confidence: number
}

/**
 * One position's logits read in float64 without copying them; the `excluded` entry (the mask
 * token, or −1 for none) reads as −∞.
 */
interface Row {
  readonly length: number
  readonly at: (v: number) => number
}

const rowOf = (logits: ArrayLike<number>, excluded: number): Row => ({
  length: logits.length,
  at: (v) => (v === excluded ? -Infinity : (logits[v] ?? -Infinity)),
})

const argmaxOf = (row: Row, noise?: (v: number) => number): number => {
  let best = -1
  let bestValue = -Infinity
  for (let v = 0; v < row.length; v++) {
    const value = noise === undefined ? row.at(v) : row.at(v) + noise(v)
    if (best === -1 || value > bestValue) {
      best = v
      bestValue = value
    }
  }
  return best
}

const logSumExpOf = (row: Row): number => {
  let max = -Infinity
  for (let v = 0; v < row.length; v++) max = Math.max(max, row.at(v))
  if (max === -Infinity) return max
  let sum = 0
  for (let v = 0; v < row.length; v++) sum += Math.exp(row.at(v) - max)
  return max + Math.log(sum)
}

/**
 * Gumbel-max sampling in float64: argmax_v logits[v] − T·log(−log U_v), one `rng.next()` per
 * vocabulary entry (the excluded one included, so draws do not depend on it). This is LLaDA's argmax
 * of exp(logits) / (−log U)^T taken in log space, which cannot overflow. Temperature 0 is a plain
 * argmax and draws nothing.
 */
const sampleToken = (row: Row, temperature: number, rng: Rng): number => {
  if (temperature === 0) return argmaxOf(row)
  const noise = new Float64Array(row.length)
  for (let v = 0; v < row.length; v++) noise[v] = -temperature * Math.log(-Math.log(rng.next()))
  return argmaxOf(row, (v) => noise[v]!)
}

const topTwoProbabilities = (row: Row, normaliser: number): readonly [number, number] => {
  let first = 0
  let second = 0
  for (let v = 0; v < row.length; v++) {
    const probability = Math.exp(row.at(v) - normaliser)
    if (probability > first) [first, second] = [probability, first]
    else if (probability > second) second = probability
  }
  return [first, second]
}

const negativeEntropy = (row: Row, normaliser: number): number => {
  let sum = 0
  for (let v = 0; v < row.length; v++) {
    const logProbability = row.at(v) - normaliser
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
  const row = rowOf(logits, excluded)
  const token = sampleToken(row, temperature, rng)
  const normaliser = logSumExpOf(row)
  switch (remasking) {
    case "low_confidence":
      return { token, confidence: Math.exp(row.at(token) - normaliser) }
    case "random":
      return { token, confidence: rng.next() }
    case "margin": {
      const [first, second] = topTwoProbabilities(row, normaliser)
      return { token, confidence: first - second }
    }
    case "entropy":
      return { token, confidence: negativeEntropy(row, normaliser) }
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
