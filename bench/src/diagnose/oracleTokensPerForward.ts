import { currentBlock, type DenoiseTrace } from "./DenoiseTrace.js"

/**
 * For every generated position: the first call, among those filling its block, from which the
 * position's top-1 prediction stayed equal to the token the run finally committed there (through
 * the call that committed it). -1 if it never was.
 */
export const stableSteps = (trace: DenoiseTrace): Int32Array => {
  const steps = new Int32Array(trace.genLength).fill(-1)
  const blocks = trace.calls.map((call) => currentBlock(call.canvas, trace)?.start)
  for (let g = 0; g < trace.genLength; g++) {
    const position = trace.genStart + g
    const ownBlock = trace.genStart + Math.floor(g / trace.blockLength) * trace.blockLength
    const target = trace.final[position]!
    let stableFrom = -1
    for (let k = 0; k < trace.calls.length; k++) {
      const call = trace.calls[k]!
      if (call.canvas[position] !== trace.maskId) break
      if (blocks[k] !== ownBlock) continue
      if (call.topIds[position] !== target) stableFrom = -1
      else if (stableFrom === -1) stableFrom = k
    }
    steps[g] = stableFrom
  }
  return steps
}

export interface OracleFigures {
  readonly calls: number
  /** Calls of an oracle rule that commits every masked position of the block whose prediction is already final. */
  readonly oracleCalls: number
  /** genLength / oracleCalls: the speed of light for any confidence rule on this model. */
  readonly oracleTokensPerForward: number
}

export const oracleFigures = (trace: DenoiseTrace): OracleFigures => {
  const steps = stableSteps(trace)
  if (steps.includes(-1)) throw new Error("a generated position was never predicted as its final token while masked")
  const oracleCalls = new Set(steps).size
  return { calls: trace.calls.length, oracleCalls, oracleTokensPerForward: trace.genLength / oracleCalls }
}
