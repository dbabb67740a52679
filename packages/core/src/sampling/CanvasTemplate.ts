import { Effect } from "effect"
import type { TokenIds } from "../model/TokenIds.js"
import { InvalidParams } from "../params/InvalidParams.js"
import { invalidTokenIndex } from "./validatePrompt.js"

/** One span of a canvas template: fixed tokens the sampler never changes, or a run of masked positions it fills. */
export type TemplateSpan = { readonly fixed: Int32Array } | { readonly masks: number }

/**
 * A diffusion canvas as fixed token spans and masked spans, in canvas order: a prompt and one gap
 * (plain generation), a prefix, a gap and a suffix (infilling), or any number of gaps. The first span
 * is fixed and non-empty: position 0 is the BOS anchor the diffusion model needs.
 */
export type CanvasTemplate = ReadonlyArray<TemplateSpan>

/** A template laid out on a canvas: fixed tokens in place, the mask id at every masked position. */
export interface CanvasLayout {
  readonly canvas: Int32Array
  /** Canvas positions of the masked spans, ascending: every position the sampler fills, and no other. */
  readonly maskedPositions: Int32Array
}

/** The plain prompt as a template: the prompt, then `genLength` masked positions. */
export const promptTemplate = (promptIds: Int32Array, genLength: number): CanvasTemplate => [
  { fixed: promptIds },
  { masks: genLength },
]

/** How many positions of the template are masked. */
export const maskedCount = (template: CanvasTemplate): number =>
  template.reduce((total, span) => total + ("masks" in span ? span.masks : 0), 0)

const invalid = (field: string, message: string) => Effect.fail(new InvalidParams({ field, message }))

const spanProblem = (span: TemplateSpan, index: number, ids: TokenIds): Effect.Effect<void, InvalidParams> => {
  if ("masks" in span) {
    return Number.isInteger(span.masks) && span.masks >= 1
      ? Effect.void
      : invalid(`template.${index}.masks`, `template[${index}].masks must be a positive integer, got ${span.masks}`)
  }
  const bad = invalidTokenIndex(span.fixed, ids)
  return bad === -1 ? Effect.void : invalid(
    `template.${index}.fixed`,
    `template[${index}].fixed[${bad}] = ${span.fixed[bad]} is the mask id or outside the vocabulary [0, ${ids.vocabSize})`,
  )
}

/**
 * Validates a template and lays it out: a non-empty first fixed span (the BOS anchor), only real
 * tokens in fixed spans, positive mask counts, and at least one masked position.
 */
export const layOutTemplate = (template: CanvasTemplate, ids: TokenIds): Effect.Effect<CanvasLayout, InvalidParams> =>
  Effect.gen(function*() {
    if (template.length === 0) return yield* invalid("template", "the template is empty: it needs a fixed first span (the BOS token) and a masked span")
    const first = template[0]!
    if (!("fixed" in first) || first.fixed.length === 0) {
      return yield* invalid("template.0", "the template must start with a fixed span holding at least one token (the BOS token)")
    }
    for (const [index, span] of template.entries()) yield* spanProblem(span, index, ids)
    const masked = maskedCount(template)
    if (masked === 0) return yield* invalid("template", "the template holds no masked span: there is nothing to generate")
    const length = template.reduce((total, span) => total + ("masks" in span ? span.masks : span.fixed.length), 0)
    const canvas = new Int32Array(length).fill(ids.maskId)
    const maskedPositions = new Int32Array(masked)
    let position = 0
    let filled = 0
    for (const span of template) {
      if ("fixed" in span) {
        canvas.set(span.fixed, position)
        position += span.fixed.length
        continue
      }
      for (let k = 0; k < span.masks; k++) maskedPositions[filled++] = position++
    }
    return { canvas, maskedPositions }
  })
