import type { Frame, TokenIds } from "@unmask/core"
import type { StepFrame } from "@unmask/wire"
import { Effect } from "effect"
import type { CanvasView } from "./CanvasView.js"
import type { DecodeRuns } from "./DecodeRuns.js"
import { renderCanvas } from "./renderCanvas.js"

/** The generated part of a frame (its ids) and the index there of each committed canvas position. */
const generatedPart = (frame: Frame, view: CanvasView) =>
  view._tag === "Prompt"
    ? {
      region: Array.from(frame.canvas.subarray(view.promptLength)),
      committed: frame.committed.map((position) => position - view.promptLength),
    }
    : {
      region: Array.from(view.generated, (position) => frame.canvas[position]!),
      committed: frame.committed.map((position) => view.generatedIndex[position]!),
    }

/**
 * A sampler frame as an SSE `step` event: positions and ids relative to the generated part (for
 * infilling: the generated positions in canvas order, plus the whole canvas and its fixed spans).
 */
export const toStepEvent = (
  frame: Frame,
  view: CanvasView,
  ids: TokenIds,
  decodeRuns: DecodeRuns,
): Effect.Effect<StepFrame> => {
  const { region, committed } = generatedPart(frame, view)
  return renderCanvas(region, ids, decodeRuns).pipe(
    Effect.map((text) => ({
      step: frame.step,
      block: frame.block,
      text,
      committed,
      nfe: frame.nfe,
      tokens: region,
      ...(view._tag === "Prompt" ? {} : { canvas: Array.from(frame.canvas.subarray(1)), fixed: view.fixedSpans }),
    })),
  )
}
