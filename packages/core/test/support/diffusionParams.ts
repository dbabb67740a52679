import { Schema } from "effect"
import { DiffusionParams, type TokenIds } from "../../src/index.js"

/** The vocabulary of the sampler tests: ids 0–9 are text, 10 is end-of-text, 11 the mask. */
export const TEST_VOCAB = 12
export const testTokenIds: TokenIds = { maskId: 11, eosId: 10, vocabSize: TEST_VOCAB }

/**
 * Greedy, low-confidence, no guidance or cache: the sampler's defaults, with `overrides` on top,
 * decoded as every caller of the samplers must (the type is branded).
 */
export const diffusionParams = (overrides: Partial<DiffusionParams> & Pick<DiffusionParams, "genLength" | "steps">): DiffusionParams =>
  Schema.decodeUnknownSync(DiffusionParams)({ remasking: "low_confidence", ...overrides })
