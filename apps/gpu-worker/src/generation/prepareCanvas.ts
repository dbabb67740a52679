import { segmentMasks, type TemplateSegment, type TemplateSpan } from "@unmask/core"
import { Effect } from "effect"
import type { TextTokenizer } from "../tokenizer/TextTokenizer.js"
import { InvalidRequest } from "./InvalidRequest.js"
import type { CanvasSpan, PreparedCanvas } from "./PreparedCanvas.js"

/** The body fields that lay out an infilling canvas. */
export interface CanvasFields {
  readonly prompt: string
  readonly maxTokens?: number
  readonly suffix?: string
  readonly segments?: ReadonlyArray<TemplateSegment>
}

/** Which field lays out the canvas after the prompt: `segments`, `suffix`, or neither (a plain prompt). */
export const canvasField = (request: CanvasFields): "segments" | "suffix" | undefined =>
  request.segments !== undefined ? "segments" : request.suffix !== undefined ? "suffix" : undefined

/**
 * The generation length a canvas leaves: the masks of `segments` (a `maxTokens` beside them must
 * equal them), else `maxTokens` or the default.
 */
export const canvasMaxTokens = (request: CanvasFields, fallback: number): Effect.Effect<number, InvalidRequest> => {
  if (request.segments === undefined) return Effect.succeed(request.maxTokens ?? fallback)
  if (request.suffix !== undefined) {
    return Effect.fail(new InvalidRequest({ field: "suffix", message: "suffix and segments are alternatives: give the ending as the last text segment" }))
  }
  const masks = segmentMasks(request.segments)
  if (request.maxTokens !== undefined && request.maxTokens !== masks) {
    return Effect.fail(new InvalidRequest({
      field: "maxTokens",
      message: `maxTokens (${request.maxTokens}) must equal the masked positions of segments (${masks}), or be left out`,
    }))
  }
  return Effect.succeed(masks)
}

const spansAfterPrompt = (request: CanvasFields, maxTokens: number): ReadonlyArray<CanvasSpan> =>
  request.segments?.map((segment): CanvasSpan => segment.masks !== undefined ? { masks: segment.masks } : { text: segment.text ?? "" })
    ?? [{ masks: maxTokens }, { text: request.suffix ?? "" }]

/**
 * The canvas of an infilling request: BOS and the prompt, then the spans, each text span encoded on
 * its own as plain text (a `[MASK]` typed in it is text). `fixedTokens` counts every text span's
 * tokens, the prompt's included, BOS excluded.
 */
export const prepareCanvas = (
  request: CanvasFields,
  maxTokens: number,
  promptIds: Int32Array,
  encode: TextTokenizer["Service"]["encode"],
): Effect.Effect<{ readonly canvas: PreparedCanvas; readonly fixedTokens: number }> =>
  Effect.gen(function*() {
    const after = spansAfterPrompt(request, maxTokens)
    const template: Array<TemplateSpan> = [{ fixed: promptIds }]
    let fixedTokens = promptIds.length - 1
    for (const span of after) {
      if ("masks" in span) {
        template.push({ masks: span.masks })
        continue
      }
      const ids = yield* encode(span.text)
      fixedTokens += ids.length
      template.push({ fixed: ids })
    }
    const spans = request.prompt === "" ? after : [{ text: request.prompt }, ...after]
    return { canvas: { template, spans }, fixedTokens }
  })
