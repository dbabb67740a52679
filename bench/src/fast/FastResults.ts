import type { CellResult } from "../grid/GridResults.js"
import type { MachineDescription } from "../machine/describeMachine.js"
import type { Summary } from "../stats/summarize.js"
import type { FastAxes } from "./FastPlan.js"

/** How far cached predictions are from a full forward on the same canvas, by steps since the cache was filled. */
export interface DriftRow {
  readonly cache: "prefix" | "dual"
  /** 0 = the fill (a full forward itself), 1 = first refine after it, … */
  readonly stepsSinceFill: number
  readonly calls: number
  /** Max |Δ logit| over the still-masked window positions of a call. */
  readonly maxAbsLogitDiff: Summary
  /** Share of still-masked window positions whose argmax token agrees with the full forward's. */
  readonly top1Agreement: number
}

export interface FastResults {
  readonly startedAt: string
  readonly durationSeconds: number
  readonly machine: MachineDescription
  readonly axes: FastAxes
  readonly cells: ReadonlyArray<CellResult>
  readonly drift: ReadonlyArray<DriftRow>
}
