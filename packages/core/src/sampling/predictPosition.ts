import type { ConfidenceBatch } from "../model/WindowPredictions.js"
import type { Remasking } from "../params/DiffusionParams.js"
import type { Rng } from "../random/Rng.js"
import { argmax } from "./argmax.js"
import { type ForbiddenTokens, NO_FORBIDDEN_TOKENS } from "./forbiddenTokens.js"
import { isGreedy } from "./isGreedy.js"

/** The token proposed for a masked position and how confident the remasking strategy is in it. */
export interface Prediction {
  readonly token: number
  readonly confidence: number
}

/** logits[v] in float64, with `forbidden` entries read as −∞. */
const valueAt = (logits: ArrayLike<number>, forbidden: ForbiddenTokens, v: number): number =>
  forbidden[v] === 1 ? -Infinity : (logits[v] ?? -Infinity)

/**
 * Gumbel-max sampling in float64: argmax_v logits[v] − T·log(−log U_v) over the allowed entries,
 * one `rng.next()` per vocabulary entry in order (forbidden ones included, so draws do not depend
 * on them). This is LLaDA's argmax of exp(logits) / (−log U)^T taken in log space, which cannot
 * overflow.
 */
const gumbelArgmax = (logits: ArrayLike<number>, forbidden: ForbiddenTokens, temperature: number, rng: Rng): number => {
  let best = -1
  let bestValue = -Infinity
  for (let v = 0; v < logits.length; v++) {
    const noise = -temperature * Math.log(-Math.log(rng.next()))
    if (forbidden[v] === 1) continue
    const value = (logits[v] ?? -Infinity) + noise
    if (best === -1 || value > bestValue) {
      best = v
      bestValue = value
    }
  }
  return best
}

/** log Σ exp(logits), given their maximum. */
const logSumExpFrom = (logits: ArrayLike<number>, forbidden: ForbiddenTokens, max: number): number => {
  if (max === -Infinity) return max
  let sum = 0
  for (let v = 0; v < logits.length; v++) if (forbidden[v] !== 1) sum += Math.exp((logits[v] ?? -Infinity) - max)
  return max + Math.log(sum)
}

const maxOf = (logits: ArrayLike<number>, forbidden: ForbiddenTokens): number => {
  let max = -Infinity
  for (let v = 0; v < logits.length; v++) if (forbidden[v] !== 1) max = Math.max(max, logits[v] ?? -Infinity)
  return max
}

const topTwoProbabilities = (logits: ArrayLike<number>, forbidden: ForbiddenTokens, normaliser: number): readonly [number, number] => {
  let first = 0
  let second = 0
  for (let v = 0; v < logits.length; v++) {
    const probability = Math.exp(valueAt(logits, forbidden, v) - normaliser)
    if (probability > first) [first, second] = [probability, first]
    else if (probability > second) second = probability
  }
  return [first, second]
}

const negativeEntropy = (logits: ArrayLike<number>, forbidden: ForbiddenTokens, normaliser: number): number => {
  let sum = 0
  for (let v = 0; v < logits.length; v++) {
    const logProbability = valueAt(logits, forbidden, v) - normaliser
    if (logProbability > -Infinity) sum += Math.exp(logProbability) * logProbability
  }
  return sum
}

/**
 * Picks the token for one masked position from its (guided) logits, then scores it:
 * `low_confidence` softmax probability of the token (LLaDA), `random` uniform noise (one more
 * draw), `margin` top-1 minus top-2 probability, `entropy` negative entropy (Dream). Scores use
 * the logits before temperature noise; a `forbidden` token is never chosen (nor counted in the
 * softmax). Greedy below `MIN_SAMPLING_TEMPERATURE`.
 */
export const predictPosition = (
  logits: ArrayLike<number>,
  forbidden: ForbiddenTokens,
  remasking: Remasking,
  temperature: number,
  rng: Rng,
): Prediction => {
  const greedy = isGreedy(temperature)
  const token = greedy ? argmax(logits, forbidden) : gumbelArgmax(logits, forbidden, temperature, rng)
  // Greedy: the chosen token's logit is the maximum.
  const max = greedy ? valueAt(logits, forbidden, token) : maxOf(logits, forbidden)
  const normaliser = logSumExpFrom(logits, forbidden, max)
  switch (remasking) {
    case "low_confidence":
      return { token, confidence: Math.exp(valueAt(logits, forbidden, token) - normaliser) }
    case "random":
      return { token, confidence: rng.next() }
    case "margin": {
      const [first, second] = topTwoProbabilities(logits, forbidden, normaliser)
      return { token, confidence: first - second }
    }
    case "entropy":
      return { token, confidence: negativeEntropy(logits, forbidden, normaliser) }
  }
}

/** What a fused head's prediction may not be, and the token taken when the head proposes nothing else. */
export interface HeadRestriction {
  readonly forbidden: ForbiddenTokens
  /** The end-of-text token: a position whose head proposes only forbidden tokens (padding) ends the text. */
  readonly fallback: number
}

/**
 * The greedy prediction for row `index` of a fused confidence head's summary: the same token and
 * score as `predictPosition` at temperature 0, computed in the model's precision. The head only
 * excludes the mask: when its top token is forbidden anyway (the pad token), the position takes
 * the head's second token, else `restriction.fallback`, scored −∞ (committed last, as the model's
 * own choice could not be used); `random` still draws its uniform.
 */
export const predictFromConfidence = (
  { topTokens, topProbabilities, entropy }: ConfidenceBatch,
  index: number,
  remasking: Remasking,
  rng: Rng,
  restriction: HeadRestriction = { forbidden: NO_FORBIDDEN_TOKENS, fallback: -1 },
): Prediction => {
  const top = topTokens[2 * index]!
  if (restriction.forbidden[top] === 1) {
    const second = topTokens[2 * index + 1]!
    const token = restriction.forbidden[second] === 1 ? restriction.fallback : second
    return { token, confidence: remasking === "random" ? rng.next() : -Infinity }
  }
  switch (remasking) {
    case "low_confidence":
      return { token: top, confidence: topProbabilities[2 * index]! }
    case "random":
      return { token: top, confidence: rng.next() }
    case "margin":
      return { token: top, confidence: topProbabilities[2 * index]! - topProbabilities[2 * index + 1]! }
    case "entropy":
      return { token: top, confidence: -entropy[index]! }
  }
}
