/** A masked position of the current block with its proposed token and confidence. */
export interface Candidate {
  readonly position: number
  readonly token: number
  readonly confidence: number
}

/** How many candidates a step commits: a scheduled count, or one of Fast-dLLM's parallel rules. */
export type CommitRule =
  | { readonly count: number }
  | { readonly threshold: number }
  | { readonly factor: number }

/** Most confident first; equal confidences go left to right. */
const byConfidence = (a: Candidate, b: Candidate): number => b.confidence - a.confidence || a.position - b.position

/**
 * Which candidates a step commits. With a scheduled `count`: the `count` most confident. With a
 * `threshold`: the most confident one plus every other whose confidence ≥ threshold; a threshold of
 * 1 or more commits exactly one (even when a confidence equals 1.0 exactly). With a `factor` f: the
 * top n for the largest n such that the k-th most confident has confidence ≥ 1 − f/(k + 1) for
 * every k ≤ n (the first always commits).
 */
export const selectCommits = (candidates: ReadonlyArray<Candidate>, rule: CommitRule): Array<Candidate> => {
  const ranked = [...candidates].sort(byConfidence)
  if ("count" in rule) return ranked.slice(0, rule.count)
  if ("threshold" in rule) {
    if (rule.threshold >= 1) return ranked.slice(0, 1)
    return ranked.filter((candidate, rank) => rank === 0 || candidate.confidence >= rule.threshold)
  }
  let accepted = Math.min(1, ranked.length)
  while (accepted < ranked.length && ranked[accepted]!.confidence >= 1 - rule.factor / (accepted + 2)) accepted++
  return ranked.slice(0, accepted)
}
