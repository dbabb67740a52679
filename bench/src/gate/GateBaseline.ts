import { readFileSync } from "node:fs"
import { Schema } from "effect"

export const GateBaseline = Schema.Struct({
  note: Schema.String,
  measuredOn: Schema.String,
  /** Relative tolerance: a metric regresses when it is worse than baseline × (1 ∓ tolerance). */
  tolerance: Schema.Number,
  metrics: Schema.Record(Schema.String, Schema.Number),
})
export type GateBaseline = typeof GateBaseline.Type

export const readGateBaseline = (path: string): GateBaseline =>
  Schema.decodeUnknownSync(GateBaseline)(JSON.parse(readFileSync(path, "utf8")))
