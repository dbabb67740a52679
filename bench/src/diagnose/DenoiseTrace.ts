/**
 * What a greedy run's model calls predicted: for every call, the canvas it saw and, at every
 * position, the top-1 token ([MASK] excluded) and its probability.
 */
export interface TracedCall {
  readonly canvas: Int32Array
  readonly topIds: Int32Array
  readonly topProbs: Float32Array
}

export interface DenoiseTrace {
  /** Index of the first generated position (BOS + prompt before it). */
  readonly genStart: number
  readonly genLength: number
  readonly blockLength: number
  readonly maskId: number
  readonly calls: ReadonlyArray<TracedCall>
  /** The run's final canvas. */
  readonly final: Int32Array
}

/** The block the semi-AR sampler is filling on this canvas (its first masked generated position's), if any. */
export const currentBlock = (canvas: Int32Array, trace: DenoiseTrace): { start: number; end: number } | undefined => {
  for (let g = 0; g < trace.genLength; g++) {
    if (canvas[trace.genStart + g] === trace.maskId) {
      const start = trace.genStart + Math.floor(g / trace.blockLength) * trace.blockLength
      return { start, end: Math.min(start + trace.blockLength, trace.genStart + trace.genLength) }
    }
  }
  return undefined
}
