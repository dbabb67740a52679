import type { MachineDescription } from "../machine/describeMachine.js"
import type { SampleQuality } from "../quality/scoreSamples.js"
import type { Summary } from "../stats/summarize.js"
import type { CallProfileAxes, GridAxes, GridCell } from "./GridPlan.js"

export interface CellResult extends GridCell {
  readonly label: string
  readonly wallMs: Summary
  /** Model calls per run (median over repeats; threshold decoding varies). */
  readonly nfe: number
  /** N / NFE. */
  readonly tokensPerForward: number
  /** N / median wall time. */
  readonly tokensPerSecond: number
  /** Median over repeats of (time inside model calls / NFE). */
  readonly msPerModelCall: number
  /** Median over repeats of the share of wall time spent outside model calls (sampler, JS, scheduling). */
  readonly overheadShare: number
  readonly quality: SampleQuality
}

/** Median wall time of one model call at a shape, from the standalone call profile. */
export interface CallTiming {
  readonly batch: number
  /** Positions fed in: the canvas for diffusion, 1 for an AR step. */
  readonly length: number
  /** Cached positions (AR steps). */
  readonly pastLength: number
  readonly ms: Summary
}

export interface GridResults {
  readonly preset: "full" | "quick"
  readonly startedAt: string
  readonly durationSeconds: number
  readonly machine: MachineDescription
  readonly axes: GridAxes
  readonly callAxes: CallProfileAxes
  readonly calls: {
    readonly diffusion: ReadonlyArray<CallTiming>
    readonly arStep: ReadonlyArray<CallTiming>
    readonly diffusionBatches: ReadonlyArray<CallTiming>
  }
  readonly cells: ReadonlyArray<CellResult>
}
