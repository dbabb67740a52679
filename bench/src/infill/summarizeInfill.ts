import { mean } from "../stats/summarize.js"
import type { EndingNlls, InfillResults } from "./InfillResults.js"

/** The targets: the ending ≥ 20 % more likely after diffusion's middles, at a middle bound within 15 % of AR's NLL. */
export const TARGET = { likelihoodRatio: 1.2, boundRatio: 1.15 } as const

const standardError = (values: ReadonlyArray<number>): number => {
  const m = mean(values)
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1) / values.length)
}

/** How much more likely the true ending is after diffusion's writing than after AR's, over the stories. */
export interface EndingComparison {
  /** Mean NLL of the whole ending (nats) after each writer. */
  readonly diffusion: number
  readonly ar: number
  readonly reference: number
  /** Mean of the per-story AR − diffusion NLL differences (nats per ending), and its standard error. */
  readonly gain: number
  readonly gainStandardError: number
  /** exp(gain): the geometric-mean factor by which the true ending is more likely after diffusion's middle. */
  readonly likelihoodRatio: number
  /** The gain as a share of AR's mean ending NLL. */
  readonly nllReduction: number
  /** Stories whose ending is more likely after diffusion's middle. */
  readonly diffusionBetterShare: number
}

export const compareEndings = (diffusion: EndingNlls, ar: EndingNlls, reference: EndingNlls): EndingComparison => {
  const gains = ar.map((nll, story) => nll - diffusion[story]!)
  const gain = mean(gains)
  return {
    diffusion: mean(diffusion),
    ar: mean(ar),
    reference: mean(reference),
    gain,
    gainStandardError: standardError(gains),
    likelihoodRatio: Math.exp(gain),
    nllReduction: gain / mean(ar),
    diffusionBetterShare: gains.filter((value) => value > 0).length / gains.length,
  }
}

export interface MiddleSummary {
  readonly middleLength: number
  /** Mean per-token diffusion bound on the true middle (both sides), and AR's exact NLL of it (left only). */
  readonly bound: number
  readonly boundStandardError: number
  readonly arNll: number
  readonly boundRatio: number
  readonly endings: Readonly<Record<string, EndingComparison>>
  readonly reversal: Readonly<Record<string, EndingComparison>>
}

/** Per middle length: the likelihood of the true middle, and the endings after each writer (middle and reversal). */
export const summarizeInfill = (results: InfillResults): ReadonlyArray<MiddleSummary> =>
  results.middle.map((middle) => {
    const reversal = results.reversal.find((r) => r.middleLength === middle.middleLength)!
    const compareAll = (
      endings: Readonly<Record<string, { readonly diffusion: EndingNlls; readonly ar: EndingNlls }>>,
      reference: EndingNlls,
    ) => Object.fromEntries(Object.entries(endings).map(([name, e]) => [name, compareEndings(e.diffusion, e.ar, reference)]))
    const bound = mean(middle.diffusionBound)
    const arNll = mean(middle.arMiddleNll)
    return {
      middleLength: middle.middleLength,
      bound,
      boundStandardError: standardError(middle.diffusionBound),
      arNll,
      boundRatio: bound / arNll,
      endings: compareAll(middle.endings, middle.trueMiddleEnding),
      reversal: compareAll(reversal.endings, reversal.trueBeforeEnding),
    }
  })
