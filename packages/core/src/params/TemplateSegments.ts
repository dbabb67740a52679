import { Schema } from "effect"
import { IntBetween } from "./fields.js"
import { MAX_GEN_LENGTH, MAX_SEGMENTS } from "./limits.js"

const oneKind = Schema.makeFilter<{ readonly text?: string; readonly masks?: number }>((segment) =>
  (segment.text === undefined) === (segment.masks === undefined)
    ? `a segment is either {"text": string} or {"masks": n}, got ${segment.text === undefined ? "neither" : "both"}`
    : undefined
)

/**
 * One span of a request's canvas: `text`, kept as it is (plain text: a `[MASK]` in it is text, not a
 * mask), or `masks` positions for the model to fill (1 to MAX_GEN_LENGTH).
 */
export const TemplateSegment = Schema.Struct({
  text: Schema.optionalKey(Schema.String),
  masks: Schema.optionalKey(IntBetween(1, MAX_GEN_LENGTH)),
}).check(oneKind)
export type TemplateSegment = typeof TemplateSegment.Type

const hasMaskedSpan = Schema.makeFilter<ReadonlyArray<TemplateSegment>>((segments) => {
  if (segments.length === 0) return `the template is empty: "segments" needs at least one {"masks": n} span`
  if (!segments.some((segment) => segment.masks !== undefined)) {
    return `"segments" holds no masked span ({"masks": n}): there is nothing to generate`
  }
  return undefined
})

/**
 * The canvas of an infilling request, in order, as JSON (never as marker strings in user text):
 * e.g. `[{ text: "Once upon a time" }, { masks: 24 }, { text: " happily ever after." }]`. Worker and
 * edge validate requests with this one schema; the masks add up to the request's `maxTokens`.
 */
export const TemplateSegments = Schema.Array(TemplateSegment).check(Schema.isMaxLength(MAX_SEGMENTS), hasMaskedSpan)
export type TemplateSegments = typeof TemplateSegments.Type

/** How many positions the segments leave to generate. */
export const segmentMasks = (segments: TemplateSegments): number =>
  segments.reduce((total, segment) => total + (segment.masks ?? 0), 0)
