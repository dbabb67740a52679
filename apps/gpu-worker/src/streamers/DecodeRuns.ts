import type { Effect } from "effect"

/** Decodes several id runs at once (the tokenizer's `decodeRuns`). */
export type DecodeRuns = (runs: ReadonlyArray<ReadonlyArray<number>>) => Effect.Effect<ReadonlyArray<string>>
