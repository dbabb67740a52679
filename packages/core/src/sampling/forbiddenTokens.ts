import type { TokenIds } from "../model/TokenIds.js"

/**
 * Token ids no sampler may emit, as one flag per vocabulary id (1 = forbidden) so the per-entry
 * loops test it with one array read. Ids beyond the array are allowed.
 */
export type ForbiddenTokens = Uint8Array

export const NO_FORBIDDEN_TOKENS: ForbiddenTokens = new Uint8Array(0)

export const forbidding = (vocabSize: number, tokens: ReadonlyArray<number>): ForbiddenTokens => {
  const forbidden = new Uint8Array(vocabSize)
  for (const token of tokens) if (token >= 0 && token < vocabSize) forbidden[token] = 1
  return forbidden
}

/** The mask (a hole to fill, not text) and the pad token (filler, not text): never a generated token. */
export const forbiddenTokensOf = (ids: TokenIds): ForbiddenTokens =>
  forbidding(ids.vocabSize, ids.padId === undefined ? [ids.maskId] : [ids.maskId, ids.padId])
