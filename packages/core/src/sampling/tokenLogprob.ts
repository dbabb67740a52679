import type { TokenChoice, TokenLogprob } from "./GenerationEvent.js"
import { type ForbiddenTokens, NO_FORBIDDEN_TOKENS } from "./forbiddenTokens.js"

/** Keeps `ranked` the `size` highest logits seen so far, highest first; an equal logit ranks after (lower ids come first). */
const insertRanked = (ranked: Array<TokenChoice>, size: number, token: number, logit: number): void => {
  if (ranked.length === size && logit <= ranked[size - 1]!.logprob) return
  let at = ranked.length
  while (at > 0 && ranked[at - 1]!.logprob < logit) at--
  ranked.splice(at, 0, { token, logprob: logit })
  if (ranked.length > size) ranked.pop()
}

/**
 * `token`'s log-probability under softmax(logits) (temperature 1, `forbidden` entries excluded, so
 * they are −∞ and never listed), and the `top` most likely allowed tokens, most likely first and
 * equal logits by lower id. In float64, from the logits as given.
 */
export const tokenLogprob = (
  logits: ArrayLike<number>,
  token: number,
  top: number,
  forbidden: ForbiddenTokens = NO_FORBIDDEN_TOKENS,
): TokenLogprob => {
  let max = -Infinity
  const ranked: Array<TokenChoice> = []
  for (let v = 0; v < logits.length; v++) {
    if (forbidden[v] === 1) continue
    const logit = logits[v] ?? -Infinity
    if (logit > max) max = logit
    if (top > 0) insertRanked(ranked, top, v, logit)
  }
  let sum = 0
  for (let v = 0; v < logits.length; v++) if (forbidden[v] !== 1) sum += Math.exp((logits[v] ?? -Infinity) - max)
  const normaliser = max + Math.log(sum)
  const logprobOf = (v: number) => forbidden[v] === 1 ? -Infinity : (logits[v] ?? -Infinity) - normaliser
  return {
    token,
    logprob: logprobOf(token),
    top: ranked.map((choice) => ({ token: choice.token, logprob: choice.logprob - normaliser })),
  }
}
