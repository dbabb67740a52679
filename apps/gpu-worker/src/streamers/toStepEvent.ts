import type { Frame, TokenIds } from "@unmask/core"
import { Effect } from "effect"
import type { StepEvent } from "../generation/StepEvent.js"
import type { DecodeRuns } from "./DecodeRuns.js"
import { renderCanvas } from "./renderCanvas.js"

/** A sampler frame as an SSE `step` event: positions and ids relative to the generated region. */
export const toStepEvent = (
  frame: Frame,
  promptLength: number,
  ids: TokenIds,
  decodeRuns: DecodeRuns,
): Effect.Effect<StepEvent> => {
  const region = Array.from(frame.canvas.subarray(promptLength))
  return renderCanvas(region, ids, decodeRuns).pipe(
    Effect.map((text) => ({
      step: frame.step,
      block: frame.block,
      text,
      committed: frame.committed.map((position) => position - promptLength),
      nfe: frame.nfe,
      tokens: region,
    })),
  )
}
