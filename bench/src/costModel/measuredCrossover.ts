import type { CellResult } from "../grid/GridResults.js"

export interface MeasuredCrossover {
  readonly promptLength: number
  readonly genLength: number
  readonly arTokensPerSecond: number
  /** Vanilla cells by tokens per forward, with their speed relative to AR (> 1: diffusion faster). */
  readonly points: ReadonlyArray<{ readonly tokensPerForward: number; readonly speedup: number }>
  /**
   * The tokens per forward at which vanilla diffusion first matches AR (log-linear interpolation
   * between the cells either side); null when the first or no measured cell does, see `side`.
   */
  readonly tokensPerForward: number | null
  readonly side: "crosses" | "diffusion always faster" | "AR always faster"
}

/** Where vanilla diffusion's tokens/s meets the AR baseline's at the same N and P. */
export const measuredCrossover = (cells: ReadonlyArray<CellResult>, promptLength: number, genLength: number): MeasuredCrossover | null => {
  const same = cells.filter((cell) => cell.promptLength === promptLength && cell.genLength === genLength)
  const ar = same.find((cell) => cell.sampler.kind === "ar")
  const vanilla = same.filter((cell) => cell.sampler.kind === "vanilla").sort((a, b) => a.tokensPerForward - b.tokensPerForward)
  if (ar === undefined || vanilla.length === 0) return null
  const points = vanilla.map((cell) => ({ tokensPerForward: cell.tokensPerForward, speedup: cell.tokensPerSecond / ar.tokensPerSecond }))
  const base = { promptLength, genLength, arTokensPerSecond: ar.tokensPerSecond, points }
  const first = points.findIndex((point) => point.speedup >= 1)
  if (first === -1) return { ...base, tokensPerForward: null, side: "AR always faster" }
  if (first === 0) return { ...base, tokensPerForward: null, side: "diffusion always faster" }
  const below = points[first - 1]!
  const above = points[first]!
  const fraction = Math.log(1 / below.speedup) / Math.log(above.speedup / below.speedup)
  const tokensPerForward = Math.exp(Math.log(below.tokensPerForward) + fraction * Math.log(above.tokensPerForward / below.tokensPerForward))
  return { ...base, tokensPerForward, side: "crosses" }
}
