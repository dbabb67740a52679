import { type Endpoint, streamGeneration } from "./client.js"
import { CliError } from "./errors.js"
import { ExitCode } from "./exitCodes.js"
import type { CliOptions, GenerationMode } from "./options.js"
import type { RunView } from "./render/RunView.js"
import { expectedPlan, generateBody, modelOfRun, suffixOfRun } from "./request.js"
import type { RunResult } from "./runResult.js"

/** One streamed generation shown on `view`; resolves with the result and the client-side timings. */
export const generate = async (
  endpoint: Endpoint,
  options: Pick<CliOptions, "prompt" | "sampler" | "model" | "compare" | "suffix">,
  mode: GenerationMode,
  view: RunView,
  signal: AbortSignal,
): Promise<RunResult> => {
  const request = generateBody(options.prompt, mode, options.sampler, modelOfRun(options, mode), suffixOfRun(options, mode))
  view.begin(mode, expectedPlan(mode, options.sampler))
  const startedAt = performance.now()
  let firstFrameMs: number | null = null
  for await (const event of streamGeneration(endpoint, request, signal)) {
    const elapsedMs = performance.now() - startedAt
    if (event._tag === "Step") {
      firstFrameMs ??= elapsedMs
      view.step(event.step, elapsedMs)
    } else {
      const result: RunResult = { mode, request, response: event.response, wallMs: elapsedMs, firstFrameMs }
      view.done(result)
      return result
    }
  }
  throw new CliError("the worker closed the stream before the result", ExitCode.failure)
}

/** The modes one invocation runs: the chosen one, or diffusion then AR with --compare. */
export const modesToRun = (options: Pick<CliOptions, "compare" | "mode">): ReadonlyArray<GenerationMode> =>
  options.compare ? ["diffusion", "ar"] : [options.mode]
