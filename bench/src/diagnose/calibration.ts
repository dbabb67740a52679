import { currentBlock, type DenoiseTrace } from "./DenoiseTrace.js"

export interface CalibrationBin {
  /** Confidence range [low, high). The last bin includes 1. */
  readonly low: number
  readonly high: number
  readonly count: number
  readonly meanConfidence: number
  /** Share of these predictions equal to the token the run finally committed. */
  readonly accuracy: number
}

export interface Calibration {
  readonly bins: ReadonlyArray<CalibrationBin>
  readonly predictions: number
  /** Expected calibration error: Σ count/total · |accuracy − confidence|. */
  readonly ece: number
}

/**
 * A reliability table of the top-1 confidence at the masked positions of the current block of
 * every call, against whether that prediction equals what the greedy T = N run committed there.
 */
export const calibration = (traces: ReadonlyArray<DenoiseTrace>, binCount = 10): Calibration => {
  const count = new Float64Array(binCount)
  const confidence = new Float64Array(binCount)
  const correct = new Float64Array(binCount)
  for (const trace of traces) {
    for (const call of trace.calls) {
      const open = currentBlock(call.canvas, trace)
      if (open === undefined) continue
      for (let i = open.start; i < open.end; i++) {
        if (call.canvas[i] !== trace.maskId) continue
        const p = call.topProbs[i]!
        const bin = Math.min(binCount - 1, Math.floor(p * binCount))
        count[bin]! += 1
        confidence[bin]! += p
        if (call.topIds[i] === trace.final[i]) correct[bin]! += 1
      }
    }
  }
  const predictions = count.reduce((a, b) => a + b, 0)
  const bins = Array.from(count, (n, b) => ({
    low: b / binCount,
    high: (b + 1) / binCount,
    count: n,
    meanConfidence: n === 0 ? 0 : confidence[b]! / n,
    accuracy: n === 0 ? 0 : correct[b]! / n,
  }))
  const ece = bins.reduce((sum, bin) => sum + (bin.count / Math.max(1, predictions)) * Math.abs(bin.accuracy - bin.meanConfidence), 0)
  return { bins, predictions, ece }
}
