/** A masked position of the current block with its proposed token and confidence. */
export interface Candidate {
  readonly position: number
  readonly token: number
  readonly confidence: number
}

/** Most confident first; equal confidences go left to right. */
const byConfidence = (a: Candidate, b: Candidate): number => b.confidence - a.confidence || a.position - b.position

/**
 * Which candidates a step commits. With a scheduled `count`: the `count` most confident. With a
 * Fast-dLLM `threshold`: the most confident one plus every other whose confidence ≥ threshold;
 * a threshold of 1 or more commits exactly one (even when a confidence equals 1.0 exactly).
 */
export const selectCommits = (
  candidates: ReadonlyArray<Candidate>,
  rule: { readonly count: number } | { readonly threshold: number },
): Array<Candidate> => {
  const ranked = [...candidates].sort(byConfidence)
  if ("count" in rule) return ranked.slice(0, rule.count)
  if (rule.threshold >= 1) return ranked.slice(0, 1)
  return ranked.filter((candidate, rank) => rank === 0 || candidate.confidence >= rule.threshold)
}
