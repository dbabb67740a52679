import type { LogitsBatch } from "../model/Tensors.js"
import { assertLossShapes, maskedCrossEntropy } from "./maskedCrossEntropy.js"

/**
 * LLaDA SFT loss: Σ over masked answer positions of (CE / pMask) / answerLength, divided by B.
 * The prompt (the first `promptLength` positions of a row, one length shared by all rows or one
 * per row) is never part of the loss, even if flagged as masked; answerLength = L − promptLength.
 * Shapes as in `pretrainingLoss`.
 */
export const sftLoss = (
  logits: LogitsBatch,
  x0: Int32Array,
  masked: Uint8Array,
  p: ArrayLike<number>,
  promptLength: number | ArrayLike<number>,
): number => {
  assertLossShapes(logits, x0, masked, p)
  const promptOf = (row: number): number =>
    typeof promptLength === "number" ? promptLength : promptLength[row] ?? Number.NaN
  let total = 0
  for (let row = 0; row < logits.batch; row++) {
    const prompt = promptOf(row)
    if (!(prompt >= 0 && prompt < logits.length)) {
      throw new RangeError(`row ${row}: promptLength ${prompt} leaves no answer in a length of ${logits.length}`)
    }
    total += maskedCrossEntropy(logits, x0, masked, row, prompt) / p[row]! / (logits.length - prompt)
  }
  return total / logits.batch
}
