/** Classifier-free guidance, in float64: un + (s + 1)·(cond − un). */
export const classifierFreeGuidance = (
  cond: ArrayLike<number>,
  uncond: ArrayLike<number>,
  scale: number,
): Float64Array => {
  const guided = new Float64Array(cond.length)
  for (let v = 0; v < cond.length; v++) {
    const un = uncond[v]!
    guided[v] = un + (scale + 1) * (cond[v]! - un)
  }
  return guided
}
