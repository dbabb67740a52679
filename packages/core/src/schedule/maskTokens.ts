import type { Rng } from "../random/Rng.js"
import { pMask } from "./pMask.js"

export interface MaskedSequence {
  /** The noised sequence: x0 with every masked position replaced by the mask id. */
  readonly xt: Int32Array
  /** 1 where a position was masked, else 0. */
  readonly masked: Uint8Array
  /** The masking probability pMask(t) that was used. */
  readonly p: number
}

/**
 * The forward process on one sequence: each position not in `protectedPositions` is masked
 * independently with probability pMask(t). One `rng.next()` is drawn per free position, in order.
 */
export const maskTokens = (
  x0: Int32Array,
  t: number,
  rng: Rng,
  options: { readonly maskId: number; readonly protectedPositions: ReadonlyArray<number> },
): MaskedSequence => {
  const p = pMask(t)
  const isProtected = new Set(options.protectedPositions)
  const xt = x0.slice()
  const masked = new Uint8Array(x0.length)
  for (let i = 0; i < x0.length; i++) {
    if (!isProtected.has(i) && rng.next() < p) {
      xt[i] = options.maskId
      masked[i] = 1
    }
  }
  return { xt, masked, p }
}
