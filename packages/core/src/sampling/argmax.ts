import { type ForbiddenTokens, NO_FORBIDDEN_TOKENS } from "./forbiddenTokens.js"

/**
 * Index of the largest value among the allowed entries (the lowest index on ties; the first
 * allowed one when none is larger than −∞, or NaN); -1 when no entry is allowed.
 */
export const argmax = (row: ArrayLike<number>, forbidden: ForbiddenTokens = NO_FORBIDDEN_TOKENS): number => {
  let best = -1
  let bestValue = -Infinity
  for (let v = 0; v < row.length; v++) {
    if (forbidden[v] === 1) continue
    const value = row[v] ?? -Infinity
    if (best === -1 || value > bestValue) {
      best = v
      bestValue = value
    }
  }
  return best
}
