import type { DiffusionParams, TokenIds } from "../../src/index.js"

/** The vocabulary of the sampler tests: ids 0–9 are text, 10 is end-of-text, 11 the mask. */
export const TEST_VOCAB = 12
export const testTokenIds: TokenIds = { maskId: 11, eosId: 10, vocabSize: TEST_VOCAB }

/** Greedy, low-confidence, no guidance or cache: the sampler's defaults, with `overrides` on top. */
export const diffusionParams = (overrides: Partial<DiffusionParams> & Pick<DiffusionParams, "genLength" | "steps">): DiffusionParams => ({
  remasking: "low_confidence",
  temperature: 0,
  cfgScale: 0,
  stopAtEos: false,
  seed: 0,
  cache: "none",
  ...overrides,
})
