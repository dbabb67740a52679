/** Limits on sampler parameters; the worker and the edge validate requests against the same values. */

/** Most tokens one request may generate (diffusion `genLength`, AR `maxTokens`). */
export const MAX_GEN_LENGTH = 1024
/** Most denoising steps of one diffusion request. */
export const MAX_STEPS = 1024
/** Highest sampling temperature. */
export const MAX_TEMPERATURE = 10
/** Highest classifier-free guidance scale s in un + (s + 1)(cond − un). */
export const MAX_CFG_SCALE = 10
/** Largest Fast-dLLM factor f (a step accepts the top n while the n-th confidence ≥ 1 − f/(n + 1)). */
export const MAX_FACTOR = 64
/** Largest top-k of the AR sampler. */
export const MAX_TOP_K = 1024
/** Seeds are uint32. */
export const MAX_SEED = 0xffffffff
/** Most spans in one request's template (`segments`). */
export const MAX_SEGMENTS = 64
/** Most alternatives a request may ask to see per generated token (`logprobs`); OpenAI's completions allow 5. */
export const MAX_LOGPROBS = 5
