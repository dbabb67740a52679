/** The row's maximum and log Σ exp(row − max): everything a stable log-softmax needs, in float64. */
const normaliser = (row: ArrayLike<number>): { readonly max: number; readonly logSum: number } => {
  let max = -Infinity
  for (let v = 0; v < row.length; v++) max = Math.max(max, row[v] ?? -Infinity)
  if (max === -Infinity) return { max, logSum: 0 }
  let sum = 0
  for (let v = 0; v < row.length; v++) sum += Math.exp((row[v] ?? -Infinity) - max)
  return { max, logSum: Math.log(sum) }
}

/** log Σ exp(row). */
export const logSumExp = (row: ArrayLike<number>): number => {
  const { max, logSum } = normaliser(row)
  return max + logSum
}

/** log softmax(row), as (row − max) − log Σ exp(row − max) so that large logits lose no precision. */
export const logSoftmax = (row: ArrayLike<number>): Float64Array => {
  const { max, logSum } = normaliser(row)
  return Float64Array.from(row, (value) => value - max - logSum)
}

/** −log softmax(row)[target]. */
export const crossEntropy = (row: ArrayLike<number>, target: number): number => {
  const { max, logSum } = normaliser(row)
  return logSum - ((row[target] ?? -Infinity) - max)
}
