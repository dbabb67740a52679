/** Index of the largest value (the lowest index on ties); -1 for an empty row. */
export const argmax = (row: ArrayLike<number>): number => {
  let best = -1
  let bestValue = -Infinity
  for (let v = 0; v < row.length; v++) {
    const value = row[v] ?? -Infinity
    if (best === -1 || value > bestValue) {
      best = v
      bestValue = value
    }
  }
  return best
}
