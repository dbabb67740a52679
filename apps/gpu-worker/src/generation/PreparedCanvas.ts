import type { CanvasTemplate } from "@unmask/core"

/** A span of an infilling request as the answer reports it: text kept, or a number of generated positions. */
export type CanvasSpan = { readonly text: string } | { readonly masks: number }

/** The canvas of a request with `suffix` or `segments`. */
export interface PreparedCanvas {
  /** BOS + the prompt's ids, then each span: text as its ids (a fixed span), masks as a masked span. */
  readonly template: CanvasTemplate
  /** The prompt (when not empty), then the request's spans, in canvas order. */
  readonly spans: ReadonlyArray<CanvasSpan>
}
