import { readFileSync } from "node:fs"
import { Schema } from "effect"

export const GateBaseline = Schema.Struct({
  note: Schema.String,
  measuredOn: Schema.String,
  /**
   * A metric regresses when it moved the wrong way by more than a factor (1 + tolerance):
   * below baseline / (1 + tolerance) for higher-is-better, above baseline × (1 + tolerance) otherwise.
   */
  tolerance: Schema.Number,
  /** Per-metric tolerances where a metric's measured noise differs from the rest. */
  tolerances: Schema.optionalKey(Schema.Record(Schema.String, Schema.Number)),
  /** Why the tolerance is what it is: the run-to-run noise it was chosen from. */
  noise: Schema.optionalKey(Schema.Unknown),
  metrics: Schema.Record(Schema.String, Schema.Number),
  /** Deterministic counts (NFE) compared exactly: any rise fails. */
  exactCounts: Schema.optionalKey(Schema.Record(Schema.String, Schema.Number)),
})
export type GateBaseline = typeof GateBaseline.Type

export const readGateBaseline = (path: string): GateBaseline =>
  Schema.decodeUnknownSync(GateBaseline)(JSON.parse(readFileSync(path, "utf8")))

/** The tolerance that applies to one metric. */
export const toleranceOf = (baseline: GateBaseline, metric: string): number => baseline.tolerances?.[metric] ?? baseline.tolerance
