/** Linear-interpolated quantile (numpy's default) of unsorted values; NaN for none. */
export const quantile = (values: ReadonlyArray<number>, q: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * q
  const below = Math.floor(position)
  const above = Math.ceil(position)
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below)
}

export const median = (values: ReadonlyArray<number>): number => quantile(values, 0.5)

export const mean = (values: ReadonlyArray<number>): number =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length

export interface Summary {
  readonly median: number
  readonly p95: number
  readonly samples: ReadonlyArray<number>
}

export const summarize = (samples: ReadonlyArray<number>): Summary => ({
  median: median(samples),
  p95: quantile(samples, 0.95),
  samples,
})
