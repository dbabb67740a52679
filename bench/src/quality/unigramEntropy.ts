/** Entropy in nats of the token frequencies within one sample; low values expose repetition. */
export const unigramEntropy = (tokens: ReadonlyArray<number>): number => {
  if (tokens.length === 0) return Number.NaN
  const counts = new Map<number, number>()
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1)
  let entropy = 0
  for (const count of counts.values()) {
    const p = count / tokens.length
    entropy -= p * Math.log(p)
  }
  return entropy
}
