/** Share of a sample's n-grams that already occurred earlier in it (0 = no repetition); NaN when it has none. */
export const repeatedNgramShare = (tokens: ReadonlyArray<number>, n = 4): number => {
  if (tokens.length < n) return Number.NaN
  const seen = new Set<string>()
  let repeated = 0
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(",")
    if (seen.has(key)) repeated++
    else seen.add(key)
  }
  return repeated / (tokens.length - n + 1)
}
