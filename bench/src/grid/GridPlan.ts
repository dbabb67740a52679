import type { SamplerSetting } from "./SamplerSetting.js"

/** One generation setting of the grid: timed with warm-up runs and repeats. */
export interface GridCell {
  readonly id: string
  readonly promptLength: number
  readonly genLength: number
  /** Diffusion steps T; for `ar` and `threshold` the frame count is whatever the run takes. */
  readonly steps: number
  readonly sampler: SamplerSetting
  /** The diffusion model directory the cell decodes with; absent = the default `diffusion`. */
  readonly diffusionModel?: string
}

/** The axes of a grid run; cells outside the model's context are dropped. */
export interface GridAxes {
  readonly genLengths: ReadonlyArray<number>
  readonly promptLengths: ReadonlyArray<number>
  /** Vanilla steps as T = N / k for each k (tokens per step), k = 1 being T = N. */
  readonly tokensPerStep: ReadonlyArray<number>
  readonly semiAr: { readonly blockLength: number; readonly tokensPerStep: ReadonlyArray<number> }
  readonly threshold: { readonly blockLength: number; readonly threshold: number }
  readonly warmupRuns: number
  readonly repeats: number
  readonly temperature: number
  /** Other diffusion models (directories under models/) given every diffusion cell too, in the same run. */
  readonly otherDiffusionModels: ReadonlyArray<string>
}

/** The shape of the standalone model-call profile that the cost model is fitted on. */
export interface CallProfileAxes {
  readonly diffusionLengths: ReadonlyArray<number>
  readonly arPastLengths: ReadonlyArray<number>
  readonly batchSizes: ReadonlyArray<number>
  /** The sequence length of the batching measurement. */
  readonly batchLength: number
  readonly warmupCalls: number
  readonly repeats: number
}

export interface GridPreset {
  readonly name: "full" | "quick"
  readonly grid: GridAxes
  readonly calls: CallProfileAxes
}

export const fullPreset: GridPreset = {
  name: "full",
  grid: {
    genLengths: [16, 32, 64, 128, 192],
    promptLengths: [0, 64],
    tokensPerStep: [1, 2, 4, 8, 16],
    semiAr: { blockLength: 32, tokensPerStep: [2, 8] },
    threshold: { blockLength: 32, threshold: 0.9 },
    warmupRuns: 1,
    repeats: 4,
    temperature: 1,
    otherDiffusionModels: ["diffusion-fast"],
  },
  calls: {
    diffusionLengths: [8, 17, 33, 65, 97, 129, 161, 193, 225, 256],
    arPastLengths: [1, 16, 33, 65, 97, 129, 161, 193, 225, 255],
    batchSizes: [1, 2, 4, 8],
    batchLength: 65,
    warmupCalls: 3,
    repeats: 12,
  },
}

export const quickPreset: GridPreset = {
  name: "quick",
  grid: {
    genLengths: [16, 32],
    promptLengths: [0],
    tokensPerStep: [1, 4],
    semiAr: { blockLength: 16, tokensPerStep: [4] },
    threshold: { blockLength: 16, threshold: 0.9 },
    warmupRuns: 1,
    repeats: 3,
    temperature: 1,
    otherDiffusionModels: [],
  },
  calls: {
    diffusionLengths: [17, 65, 129],
    arPastLengths: [1, 65, 129],
    batchSizes: [1, 4],
    batchLength: 33,
    warmupCalls: 2,
    repeats: 5,
  },
}

/** BOS at position 0 plus P prompt tokens plus N generated tokens must fit the context. */
export const fitsContext = (promptLength: number, genLength: number, contextLength: number): boolean =>
  1 + promptLength + genLength <= contextLength

const cellId = (promptLength: number, genLength: number, steps: number, sampler: SamplerSetting): string => {
  const variant = sampler.kind === "semiAr"
    ? `semiAr-b${sampler.blockLength}`
    : sampler.kind === "threshold"
    ? `threshold${sampler.threshold}-b${sampler.blockLength}`
    : sampler.kind
  return `P${promptLength}-N${genLength}-T${steps}-${variant}`
}

const unique = (values: ReadonlyArray<number>) => [...new Set(values)]

/** Every cell of the grid, AR baseline included, in a stable order. */
export const planCells = (axes: GridAxes, contextLength: number): Array<GridCell> => {
  const cells: Array<GridCell> = []
  const add = (promptLength: number, genLength: number, steps: number, sampler: SamplerSetting) =>
    cells.push({ id: cellId(promptLength, genLength, steps, sampler), promptLength, genLength, steps, sampler })

  for (const promptLength of axes.promptLengths) {
    for (const genLength of axes.genLengths) {
      if (!fitsContext(promptLength, genLength, contextLength)) continue
      add(promptLength, genLength, genLength, { kind: "ar" })
      const vanillaSteps = unique(axes.tokensPerStep.filter((k) => genLength % k === 0).map((k) => genLength / k))
      for (const steps of vanillaSteps) add(promptLength, genLength, steps, { kind: "vanilla" })

      const { blockLength } = axes.semiAr
      if (genLength > blockLength && genLength % blockLength === 0) {
        const blocks = genLength / blockLength
        const semiArSteps = unique(
          axes.semiAr.tokensPerStep.map((k) => genLength / k).filter((steps) => Number.isInteger(steps) && steps % blocks === 0),
        )
        for (const steps of semiArSteps) add(promptLength, genLength, steps, { kind: "semiAr", blockLength })
      }
      const thresholdBlock = Math.min(axes.threshold.blockLength, genLength)
      if (genLength % thresholdBlock === 0) {
        add(promptLength, genLength, genLength, { kind: "threshold", blockLength: thresholdBlock, threshold: axes.threshold.threshold })
      }
    }
  }
  const diffusionCells = cells.filter((cell) => cell.sampler.kind !== "ar")
  for (const diffusionModel of axes.otherDiffusionModels) {
    for (const cell of diffusionCells) cells.push({ ...cell, id: `${diffusionModel}-${cell.id}`, diffusionModel })
  }
  return cells
}
