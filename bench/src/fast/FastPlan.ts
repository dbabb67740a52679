import { fitsContext, type GridCell } from "../grid/GridPlan.js"
import type { SamplerSetting } from "../grid/SamplerSetting.js"

/**
 * The fast-decoding comparison (Fast-dLLM's block caches and parallel rules): greedy decoding at
 * one prompt length, plain LLaDA sampling (one block, T = N) as the reference, the uncached
 * semi-AR and threshold samplers, the cached variants, and the AR baseline.
 */
export interface FastAxes {
  readonly promptLength: number
  readonly genLengths: ReadonlyArray<number>
  readonly blockLength: number
  readonly thresholds: ReadonlyArray<number>
  readonly factors: ReadonlyArray<number>
  /** Smaller blocks for the dual cache + first threshold: a smaller window, refilled more often. */
  readonly smallerBlocks: ReadonlyArray<number>
  readonly warmupRuns: number
  readonly repeats: number
  /** Greedy: the confidence head applies and the drift is deterministic. */
  readonly temperature: 0
  /**
   * Other diffusion models (directories under models/) measured in the same run: plain LLaDA as their
   * reference and the dual-cache cells with every parallel rule, beside the default model and AR.
   */
  readonly otherDiffusionModels: ReadonlyArray<string>
  /** The drift measurement: N of its generations and how many prompts. */
  readonly drift: { readonly genLength: number; readonly prompts: number }
}

/**
 * P = 63 prompt tokens after BOS (64 positions), so that N = 192 fills the 256-token context in six
 * blocks of 32: the nearest this model gets to the N = 256, P = 64 (321 positions).
 */
export const fullFastAxes: FastAxes = {
  promptLength: 63,
  genLengths: [64, 128, 192],
  blockLength: 32,
  thresholds: [0.9, 0.7, 0.5],
  factors: [1, 2],
  smallerBlocks: [16, 8],
  warmupRuns: 1,
  repeats: 3,
  temperature: 0,
  otherDiffusionModels: ["diffusion-fast"],
  drift: { genLength: 128, prompts: 3 },
}

export const quickFastAxes: FastAxes = {
  ...fullFastAxes,
  genLengths: [64],
  thresholds: [0.9],
  factors: [1],
  smallerBlocks: [],
  repeats: 2,
  drift: { genLength: 64, prompts: 1 },
}

const variantId = (sampler: SamplerSetting): string => {
  switch (sampler.kind) {
    case "cached": {
      const rule = sampler.threshold !== undefined ? `-thr${sampler.threshold}` : sampler.factor !== undefined ? `-f${sampler.factor}` : ""
      return `${sampler.cache}${rule}-b${sampler.blockLength}${sampler.confidenceHead ? "-head" : ""}`
    }
    case "semiAr":
      return `semiAr-b${sampler.blockLength}`
    case "threshold":
      return `threshold${sampler.threshold}-b${sampler.blockLength}`
    default:
      return sampler.kind
  }
}

/** The fast cells at every N that fits the context (BOS + P + N) and splits into whole blocks. */
export const planFastCells = (axes: FastAxes, contextLength: number): Array<GridCell> => {
  const cells: Array<GridCell> = []
  for (const genLength of axes.genLengths) {
    if (genLength % axes.blockLength !== 0 || !fitsContext(axes.promptLength, genLength, contextLength)) continue
    const blockLength = axes.blockLength
    const cached = (cache: "prefix" | "dual", rule: { threshold?: number; factor?: number }, confidenceHead = true, block = blockLength): SamplerSetting => ({
      kind: "cached", cache, blockLength: block, confidenceHead, ...rule,
    })
    const settings: Array<SamplerSetting> = [
      { kind: "ar" },
      { kind: "vanilla" },
      { kind: "semiAr", blockLength },
      { kind: "threshold", blockLength, threshold: axes.thresholds[0]! },
      cached("dual", {}),
      cached("prefix", { threshold: axes.thresholds[0]! }),
      cached("dual", { threshold: axes.thresholds[0]! }, false),
      ...axes.thresholds.map((threshold) => cached("dual", { threshold })),
      ...axes.factors.map((factor) => cached("dual", { factor })),
      ...axes.smallerBlocks.map((block) => cached("dual", { threshold: axes.thresholds[0]! }, true, block)),
    ]
    for (const sampler of settings) {
      cells.push({ id: `P${axes.promptLength}-N${genLength}-${variantId(sampler)}`, promptLength: axes.promptLength, genLength, steps: genLength, sampler })
    }
    const parallel: Array<SamplerSetting> = [
      { kind: "vanilla" },
      ...axes.thresholds.map((threshold) => cached("dual", { threshold })),
      ...axes.factors.map((factor) => cached("dual", { factor })),
      ...axes.smallerBlocks.map((block) => cached("dual", { threshold: axes.thresholds[0]! }, true, block)),
    ]
    for (const diffusionModel of axes.otherDiffusionModels) {
      for (const sampler of parallel) {
        cells.push({
          id: `${diffusionModel}-P${axes.promptLength}-N${genLength}-${variantId(sampler)}`,
          promptLength: axes.promptLength, genLength, steps: genLength, sampler, diffusionModel,
        })
      }
    }
  }
  return cells
}
