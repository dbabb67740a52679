import { describe, expect, it } from "vitest"
import { evaluatePolynomial, fitPolynomial } from "../src/stats/fitPolynomial.js"

describe("fitPolynomial", () => {
  it("recovers a + b·L + c·L² from exact points with R² = 1", () => {
    const xs = [8, 17, 33, 65, 129, 193, 256]
    const ys = xs.map((x) => 2.5 + 0.04 * x + 0.0003 * x * x)
    const fit = fitPolynomial(xs, ys, 2)
    expect(fit.coefficients[0]).toBeCloseTo(2.5, 6)
    expect(fit.coefficients[1]).toBeCloseTo(0.04, 8)
    expect(fit.coefficients[2]).toBeCloseTo(0.0003, 10)
    expect(fit.rSquared).toBeCloseTo(1, 10)
  })

  it("fits a line through noisy points with R² below 1", () => {
    const xs = [1, 2, 3, 4, 5, 6]
    const noise = [0.1, -0.1, 0.05, -0.05, 0.1, -0.1]
    const ys = xs.map((x, i) => 1 + 2 * x + noise[i]!)
    const fit = fitPolynomial(xs, ys, 1)
    expect(fit.coefficients[1]).toBeCloseTo(2, 1)
    expect(fit.rSquared).toBeGreaterThan(0.99)
    expect(fit.rSquared).toBeLessThan(1)
  })

  it("refuses a fit with no more points than its degree", () => {
    expect(() => fitPolynomial([1, 2], [1, 2], 2)).toThrow(/needs more than 2 points/)
  })

  it("evaluates lowest power first", () => {
    expect(evaluatePolynomial([1, 2, 3], 2)).toBe(1 + 4 + 12)
  })
})
