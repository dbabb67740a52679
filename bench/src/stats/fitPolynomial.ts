export interface PolynomialFit {
  /** c0 + c1·x + c2·x² …, lowest power first. */
  readonly coefficients: ReadonlyArray<number>
  readonly rSquared: number
  readonly points: number
}

/** Solves the square system A·x = b by Gaussian elimination with partial pivoting. */
const solve = (matrix: number[][], rhs: number[]): number[] => {
  const n = rhs.length
  const a = matrix.map((row, i) => [...row, rhs[i]!])
  for (let column = 0; column < n; column++) {
    let pivot = column
    for (let row = column + 1; row < n; row++) {
      if (Math.abs(a[row]![column]!) > Math.abs(a[pivot]![column]!)) pivot = row
    }
    if (Math.abs(a[pivot]![column]!) < 1e-12) throw new Error("singular system: too few distinct x values for this degree")
    ;[a[column], a[pivot]] = [a[pivot]!, a[column]!]
    for (let row = column + 1; row < n; row++) {
      const factor = a[row]![column]! / a[column]![column]!
      for (let k = column; k <= n; k++) a[row]![k]! -= factor * a[column]![k]!
    }
  }
  const solution = new Array<number>(n).fill(0)
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row]![n]!
    for (let k = row + 1; k < n; k++) sum -= a[row]![k]! * solution[k]!
    solution[row] = sum / a[row]![row]!
  }
  return solution
}

export const evaluatePolynomial = (coefficients: ReadonlyArray<number>, x: number): number =>
  coefficients.reduceRight((accumulated, coefficient) => accumulated * x + coefficient, 0)

/** Ordinary least squares of y on 1, x, …, x^degree (normal equations; x is rescaled for conditioning). */
export const fitPolynomial = (xs: ReadonlyArray<number>, ys: ReadonlyArray<number>, degree: number): PolynomialFit => {
  if (xs.length !== ys.length) throw new Error(`${xs.length} x values but ${ys.length} y values`)
  if (xs.length <= degree) throw new Error(`a degree-${degree} fit needs more than ${degree} points, got ${xs.length}`)
  const scale = Math.max(...xs.map(Math.abs)) || 1
  const powers = (x: number) => Array.from({ length: degree + 1 }, (_, k) => (x / scale) ** k)
  const normal = Array.from({ length: degree + 1 }, () => new Array<number>(degree + 1).fill(0))
  const moment = new Array<number>(degree + 1).fill(0)
  xs.forEach((x, i) => {
    const row = powers(x)
    for (let j = 0; j <= degree; j++) {
      moment[j]! += row[j]! * ys[i]!
      for (let k = 0; k <= degree; k++) normal[j]![k]! += row[j]! * row[k]!
    }
  })
  const coefficients = solve(normal, moment).map((coefficient, k) => coefficient / scale ** k)
  const meanY = ys.reduce((sum, y) => sum + y, 0) / ys.length
  const residual = ys.reduce((sum, y, i) => sum + (y - evaluatePolynomial(coefficients, xs[i]!)) ** 2, 0)
  const total = ys.reduce((sum, y) => sum + (y - meanY) ** 2, 0)
  return { coefficients, rSquared: total === 0 ? 1 : 1 - residual / total, points: xs.length }
}
