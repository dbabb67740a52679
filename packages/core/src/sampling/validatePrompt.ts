import { Effect } from "effect"
import type { TokenIds } from "../model/TokenIds.js"
import { InvalidParams } from "../params/InvalidParams.js"

const invalid = (message: string) => Effect.fail(new InvalidParams({ field: "promptIds", message }))

/** The index of the first id that is not a real token (outside [0, vocabSize) or the mask id), else -1. */
export const invalidTokenIndex = (tokens: Int32Array, ids: TokenIds): number =>
  tokens.findIndex((id) => id < 0 || id >= ids.vocabSize || id === ids.maskId)

/**
 * A prompt must be non-empty (position 0 is the BOS anchor the diffusion model needs) and hold only
 * real tokens: ids in [0, vocabSize) other than the mask id.
 */
export const validatePrompt = (promptIds: Int32Array, ids: TokenIds): Effect.Effect<void, InvalidParams> => {
  if (promptIds.length === 0) return invalid("the prompt must hold at least one token (the BOS token)")
  const badIndex = invalidTokenIndex(promptIds, ids)
  if (badIndex >= 0) {
    return invalid(`promptIds[${badIndex}] = ${promptIds[badIndex]} is the mask id or outside the vocabulary [0, ${ids.vocabSize})`)
  }
  return Effect.void
}
