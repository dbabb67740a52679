/** A story cut around a middle span: the prefix (after BOS), the true middle and the ending after it. */
export interface MiddleCut {
  readonly prefix: Int32Array
  readonly middle: Int32Array
  readonly suffix: Int32Array
}

/**
 * Where every middle of a story starts, so that all middle lengths share one prefix: the story's
 * midpoint, moved left when the longest middle and the ending would not fit after it (in the story,
 * and in the context with BOS); undefined when the prefix would be shorter than `minPrefix`.
 */
export const middleStart = (
  storyLength: number,
  plan: { readonly longestMiddle: number; readonly suffixTokens: number; readonly minPrefix: number; readonly contextLength: number },
): number | undefined => {
  const latest = Math.min(storyLength, plan.contextLength - 1) - plan.longestMiddle - plan.suffixTokens
  const start = Math.min(Math.floor(storyLength / 2), latest)
  return start >= plan.minPrefix ? start : undefined
}

/** The story's ids cut at `start`: a middle of `length` tokens, then the next `suffixTokens` as the ending. */
export const cutMiddle = (ids: Int32Array, start: number, length: number, suffixTokens: number): MiddleCut => ({
  prefix: ids.subarray(0, start),
  middle: ids.subarray(start, start + length),
  suffix: ids.subarray(start + length, start + length + suffixTokens),
})

/**
 * A story's last sentence and the text before it (the last sentence keeps the whitespace before it,
 * as it follows the rest); undefined for a story of one sentence.
 */
export const splitLastSentence = (story: string): { readonly before: string; readonly last: string } | undefined => {
  const text = story.trimEnd()
  const ends = [...text.matchAll(/[.!?]["”’']?(?=\s)/g)].map((match) => match.index + match[0].length)
  const cut = ends.at(-1)
  if (cut === undefined) return undefined
  return { before: text.slice(0, cut), last: text.slice(cut) }
}
