/**
 * Mask counts for the rows of one Monte-Carlo mini-batch (LLaDA get_log_likelihood.py): starting
 * from a random k ∈ {1..answerLength}, the rows get evenly spaced counts k + i·answerLength/rows,
 * rounded and wrapped back into 1..answerLength.
 */
export const stratifiedMaskCounts = (k: number, rows: number, answerLength: number): Array<number> =>
  Array.from({ length: rows }, (_, row) => {
    const count = Math.round(k + row * answerLength / rows)
    return ((count - 1) % answerLength) + 1
  })
