import { logSumExp } from "../loss/logSoftmax.js"
import type { Remasking } from "../params/DiffusionParams.js"
import type { Rng } from "../random/Rng.js"
import { argmax } from "./argmax.js"

/** The token proposed for a masked position and how confident the remasking strategy is in it. */
export interface Prediction {
  readonly token: number
  readonly confidence: number
}

/**
 * Gumbel-max sampling in float64: argmax_v logits[v] − T·log(−log U_v), one `rng.next()` per
 * vocabulary entry. This is LLaDA's argmax of exp(logits) / (−log U)^T taken in log space, which
 * cannot overflow. Temperature 0 is a plain argmax and draws nothing.
 */
const sampleToken = (logits: Float64Array, temperature: number, rng: Rng): number => {
  if (temperature === 0) return argmax(logits)
  return argmax(logits.map((logit) => logit - temperature * Math.log(-Math.log(rng.next()))))
}

const topTwoProbabilities = (logits: Float64Array, normaliser: number): readonly [number, number] => {
  let first = 0
  let second = 0
  for (const logit of logits) {
    const probability = Math.exp(logit - normaliser)
    if (probability > first) [first, second] = [probability, first]
    else if (probability > second) second = probability
  }
  return [first, second]
}

const negativeEntropy = (logits: Float64Array, normaliser: number): number => {
  let sum = 0
  for (const logit of logits) {
    const logProbability = logit - normaliser
    if (logProbability > -Infinity) sum += Math.exp(logProbability) * logProbability
  }
  return sum
}

/**
 * Picks the token for one masked position from its (guided) logits, then scores it:
 * `low_confidence` softmax probability of the token (LLaDA), `random` uniform noise (one more
 * draw), `margin` top-1 minus top-2 probability, `entropy` negative entropy (Dream). Scores use
 * the logits before temperature noise.
 */
export const predictPosition = (
  logits: Float64Array,
  remasking: Remasking,
  temperature: number,
  rng: Rng,
): Prediction => {
  const token = sampleToken(logits, temperature, rng)
  const normaliser = logSumExp(logits)
  switch (remasking) {
    case "low_confidence":
      return { token, confidence: Math.exp((logits[token] ?? -Infinity) - normaliser) }
    case "random":
      return { token, confidence: rng.next() }
    case "margin": {
      const [first, second] = topTwoProbabilities(logits, normaliser)
      return { token, confidence: first - second }
    }
    case "entropy":
      return { token, confidence: negativeEntropy(logits, normaliser) }
  }
}
