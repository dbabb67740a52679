/** LLaDA's floor on the masking probability, so that every t in [0, 1] masks something. */
export const EPS = 1e-3

/** Probability that the forward process masks a token at time t ∈ [0, 1]: (1 − ε)·t + ε. */
export const pMask = (t: number): number => (1 - EPS) * t + EPS
