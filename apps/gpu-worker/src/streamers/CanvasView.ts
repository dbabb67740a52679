import type { CanvasTemplate } from "@unmask/core"

/**
 * Where a generation's frames hold the generated part. A prompt: everything after it (AR frames
 * grow a token at a time). An infilling canvas: its masked positions, between fixed spans.
 */
export type CanvasView =
  | { readonly _tag: "Prompt"; readonly promptLength: number }
  | {
    readonly _tag: "Template"
    /** Canvas positions of the generated part, ascending. */
    readonly generated: Int32Array
    /** For each canvas position, its index in `generated`, or -1 for a fixed one. */
    readonly generatedIndex: Int32Array
    /** The fixed spans as [start, end) over the canvas after BOS (prompt, suffix, text segments). */
    readonly fixedSpans: ReadonlyArray<readonly [number, number]>
  }

/** A plain prompt of `promptLength` ids, BOS included. */
export const promptView = (promptLength: number): CanvasView => ({ _tag: "Prompt", promptLength })

/** An infilling canvas, from its template (the first span starts with BOS). */
export const templateView = (template: CanvasTemplate): CanvasView => {
  const generated: Array<number> = []
  const fixedSpans: Array<readonly [number, number]> = []
  let position = 0
  for (const span of template) {
    if ("masks" in span) {
      for (let k = 0; k < span.masks; k++) generated.push(position++)
      continue
    }
    const start = Math.max(position, 1)
    position += span.fixed.length
    if (position > start) fixedSpans.push([start - 1, position - 1])
  }
  const generatedIndex = new Int32Array(position).fill(-1)
  generated.forEach((canvasPosition, index) => (generatedIndex[canvasPosition] = index))
  return { _tag: "Template", generated: Int32Array.from(generated), generatedIndex, fixedSpans }
}
