import type { StepFrame } from "../client.js"
import type { CliOptions, GenerationMode } from "../options.js"
import { type Plan, stepOfPlan, suffixOfRun } from "../request.js"
import type { RunResult } from "../runResult.js"
import type { Output, RunView } from "./RunView.js"
import { summaryLine } from "./summary.js"

/**
 * One line per step: `step 3/32 block=0 nfe=3 committed=2 masks=58` (diffusion) or
 * `step 3/64 nfe=3 committed=1` (AR). `step` counts from 1 here; `masksLeft` is the region's
 * masks after this step.
 */
export const stepLine = (mode: GenerationMode, step: StepFrame, plan: Plan, masksLeft: number): string =>
  mode === "ar"
    ? `step ${stepOfPlan(step.step + 1, plan)} nfe=${step.nfe} committed=${step.committed.length}`
    : `step ${stepOfPlan(step.step + 1, plan)} block=${step.block} nfe=${step.nfe} committed=${step.committed.length} masks=${masksLeft}`

/** The non-terminal output: a header per run when comparing, step lines, prompt + text (+ the suffix when infilling), a summary. */
export const plainView = (out: Output, prompt: string, options: { readonly headers: boolean } & Pick<CliOptions, "suffix">): RunView => {
  let mode: GenerationMode = "diffusion"
  let plan: Plan = { length: 0, steps: 0, dynamic: false, blocks: 1 }
  let committed = 0
  return {
    begin: (nextMode, nextPlan) => {
      mode = nextMode
      plan = nextPlan
      committed = 0
      if (options.headers) out.write(`== ${mode} ==\n`)
    },
    step: (step) => {
      committed += step.committed.length
      out.write(`${stepLine(mode, step, plan, Math.max(0, step.tokens.length - committed))}\n`)
    },
    done: (result: RunResult) => {
      const ending = suffixOfRun(options, mode) ?? ""
      out.write(`${prompt}${result.response.text}${ending}\n${summaryLine(result)}\n`)
    },
    abort: () => {},
  }
}
