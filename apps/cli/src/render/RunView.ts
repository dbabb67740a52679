import type { StepFrame } from "../client.js"
import type { GenerationMode } from "../options.js"
import type { Plan } from "../request.js"
import type { RunResult } from "../runResult.js"

/** Where one generation is shown while it runs; each output style implements it. */
export interface RunView {
  readonly begin: (mode: GenerationMode, plan: Plan) => void
  readonly step: (step: StepFrame, elapsedMs: number) => void
  readonly done: (result: RunResult) => void
  /** Leaves the terminal usable after an interruption (cursor shown, line ended). */
  readonly abort: () => void
}

export interface Output {
  readonly write: (text: string) => void
}
