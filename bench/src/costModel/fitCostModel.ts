import type { CallTiming } from "../grid/GridResults.js"
import { evaluatePolynomial, fitPolynomial, type PolynomialFit } from "../stats/fitPolynomial.js"

/** Per-machine cost of one model call: F_diff(L) over L canvas positions, F_AR(p) for one token after p cached ones. */
export interface CostModel {
  readonly diffusion: PolynomialFit
  readonly arStep: PolynomialFit
}

/** Quadratic when there are enough points (attention is O(L²)), otherwise linear. */
const degreeFor = (points: number) => (points >= 4 ? 2 : 1)

export const fitCostModel = (calls: {
  readonly diffusion: ReadonlyArray<CallTiming>
  readonly arStep: ReadonlyArray<CallTiming>
}): CostModel => ({
  diffusion: fitPolynomial(calls.diffusion.map((call) => call.length), calls.diffusion.map((call) => call.ms.median), degreeFor(calls.diffusion.length)),
  arStep: fitPolynomial(calls.arStep.map((call) => call.pastLength), calls.arStep.map((call) => call.ms.median), 1),
})

export interface PredictedCrossover {
  readonly promptLength: number
  readonly genLength: number
  /** F_diff(1 + P + N). */
  readonly diffusionCallMs: number
  /** Mean F_AR(p) over the N − 1 cached steps, p = P + 1 … P + N − 1. */
  readonly arStepMs: number
  /** Diffusion is predicted to win when its tokens per forward N / NFE exceed this. */
  readonly tokensPerForward: number
}

/** The cost-model crossover; the AR prefill and the samplers' own work are left out (see the measured one). */
export const predictCrossover = (model: CostModel, promptLength: number, genLength: number): PredictedCrossover => {
  const diffusionCallMs = evaluatePolynomial(model.diffusion.coefficients, 1 + promptLength + genLength)
  let stepTotal = 0
  for (let past = promptLength + 1; past < promptLength + genLength; past++) stepTotal += evaluatePolynomial(model.arStep.coefficients, past)
  const arStepMs = genLength > 1 ? stepTotal / (genLength - 1) : evaluatePolynomial(model.arStep.coefficients, promptLength + 1)
  return { promptLength, genLength, diffusionCallMs, arStepMs, tokensPerForward: diffusionCallMs / arStepMs }
}

export const formatFit = (fit: PolynomialFit, variable: string): string => {
  const terms = fit.coefficients.map((coefficient, power) => {
    const value = coefficient.toPrecision(3)
    return power === 0 ? value : power === 1 ? `${value}·${variable}` : `${value}·${variable}²`
  })
  return `${terms.join(" + ").replaceAll("+ -", "− ")} ms (R² = ${fit.rSquared.toFixed(3)}, ${fit.points} points)`
}
