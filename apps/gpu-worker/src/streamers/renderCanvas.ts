import type { TokenIds } from "@unmask/core"
import { Effect } from "effect"
import type { DecodeRuns } from "./DecodeRuns.js"

export const MASK_TEXT = "[MASK]"

/** The ids before the first end-of-text token. */
export const beforeEos = (tokens: ReadonlyArray<number>, eosId: number): ReadonlyArray<number> => {
  const eos = tokens.indexOf(eosId)
  return eos === -1 ? tokens : tokens.slice(0, eos)
}

/**
 * Decodes a generated region for display: up to the first end-of-text token, every mask shown as
 * `[MASK]`. Runs between masks are decoded separately, so a fully unmasked region decodes exactly
 * like the final text.
 */
export const renderCanvas = (
  region: ReadonlyArray<number>,
  ids: TokenIds,
  decodeRuns: DecodeRuns,
): Effect.Effect<string> => {
  const runs: Array<Array<number>> = [[]]
  for (const id of beforeEos(region, ids.eosId)) {
    if (id === ids.maskId) runs.push([])
    else runs[runs.length - 1]!.push(id)
  }
  return Effect.map(decodeRuns(runs), (texts) => texts.join(MASK_TEXT))
}
