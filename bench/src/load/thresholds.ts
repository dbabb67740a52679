/** What a threshold expression is checked against: an error rate, or latency percentiles in ms. */
export interface ThresholdInputs {
  readonly rate: number
  readonly percentile: (p: number) => number
}

export interface ThresholdOutcome {
  readonly metric: string
  readonly expression: string
  readonly observed: number
  readonly passed: boolean
}

/** Evaluates k6's `rate<0.01` and `p(95)<2000` forms (also <=, >, >=). */
export const evaluateThreshold = (metric: string, expression: string, inputs: ThresholdInputs): ThresholdOutcome => {
  const match = /^(rate|p\((\d+(?:\.\d+)?)\))\s*(<=|<|>=|>)\s*(\d+(?:\.\d+)?)$/.exec(expression.trim())
  if (match === null) throw new Error(`unsupported threshold "${expression}" on ${metric}: use rate<x or p(N)<x`)
  const observed = match[1] === "rate" ? inputs.rate : inputs.percentile(Number(match[2]) / 100)
  const limit = Number(match[4])
  const passed = match[3] === "<" ? observed < limit : match[3] === "<=" ? observed <= limit : match[3] === ">" ? observed > limit : observed >= limit
  return { metric, expression, observed, passed }
}
