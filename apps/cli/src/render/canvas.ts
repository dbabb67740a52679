import type { StepFrame } from "../client.js"
import { decodePieces, type Vocabulary } from "../tokenPieces.js"
import { MASK_CHAR, type Style } from "./style.js"

/** The worker's placeholder for a mask in `text`. */
export const MASK_TEXT = "[MASK]"

export type Segment =
  | { readonly _tag: "Mask" }
  | { readonly _tag: "Text"; readonly text: string; readonly fresh: boolean }

const fromText = (text: string): Array<Segment> => {
  const segments: Array<Segment> = []
  text.split(MASK_TEXT).forEach((part, i) => {
    if (i > 0) segments.push({ _tag: "Mask" })
    if (part !== "") segments.push({ _tag: "Text", text: part, fresh: false })
  })
  return segments
}

/**
 * The canvas of a step as display segments. With the vocabulary, each token is its own segment and
 * the step's committed tokens are marked fresh; that is used only when it reproduces the worker's
 * `text` exactly (same model), else the worker's `text` is shown without per-token highlighting.
 */
export const canvasSegments = (step: StepFrame, vocabulary: Vocabulary | undefined): Array<Segment> => {
  const pieces = vocabulary === undefined ? undefined : decodePieces(vocabulary, step.tokens)
  if (pieces === undefined) return fromText(step.text)
  const rebuilt = pieces.map((piece) => (piece._tag === "Mask" ? MASK_TEXT : piece.text)).join("")
  if (rebuilt !== step.text) return fromText(step.text)
  const committed = new Set(step.committed)
  return pieces.map((piece) =>
    piece._tag === "Mask" ? { _tag: "Mask" } : { _tag: "Text", text: piece.text, fresh: committed.has(piece.position) }
  )
}

/** Masks as a dim block each, fresh tokens highlighted (bold inverse). */
export const renderSegments = (segments: ReadonlyArray<Segment>, style: Style): string => {
  let out = ""
  let masks = 0
  const flushMasks = () => {
    if (masks > 0) out += style.dim(MASK_CHAR.repeat(masks))
    masks = 0
  }
  for (const segment of segments) {
    if (segment._tag === "Mask") {
      masks++
      continue
    }
    flushMasks()
    if (!segment.fresh) out += segment.text
    else {
      // Highlight the word, not the space before it.
      const word = segment.text.trimStart()
      out += segment.text.slice(0, segment.text.length - word.length) + style.fresh(word)
    }
  }
  flushMasks()
  return out
}
