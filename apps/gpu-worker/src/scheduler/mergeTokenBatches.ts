import type { LogitsBatch, TokenBatch } from "@unmask/core"

/** Several [B_i, L_i] batches as one [ΣB_i, max L_i] batch, right-padded with attention_mask = 0. */
export interface MergedBatch {
  readonly ids: Int32Array
  readonly attentionMask: Int32Array
  readonly batch: number
  readonly length: number
}

export const mergeTokenBatches = (batches: ReadonlyArray<TokenBatch>, padId: number): MergedBatch => {
  const batch = batches.reduce((rows, part) => rows + part.batch, 0)
  const length = batches.reduce((longest, part) => Math.max(longest, part.length), 0)
  const ids = new Int32Array(batch * length).fill(padId)
  const attentionMask = new Int32Array(batch * length)
  let row = 0
  for (const part of batches) {
    for (let r = 0; r < part.batch; r++, row++) {
      const source = r * part.length
      ids.set(part.ids.subarray(source, source + part.length), row * length)
      if (part.attentionMask === undefined) attentionMask.fill(1, row * length, row * length + part.length)
      else attentionMask.set(part.attentionMask.subarray(source, source + part.length), row * length)
    }
  }
  return { ids, attentionMask, batch, length }
}

/** Cuts the merged logits [ΣB_i, max L, V] back into one [B_i, L_i, V] block per input batch. */
export const splitLogits = (
  logits: Float32Array,
  merged: MergedBatch,
  batches: ReadonlyArray<TokenBatch>,
  vocab: number,
): Array<LogitsBatch> => {
  let row = 0
  return batches.map((part) => {
    const data = new Float32Array(part.batch * part.length * vocab)
    for (let r = 0; r < part.batch; r++, row++) {
      const source = row * merged.length * vocab
      data.set(logits.subarray(source, source + part.length * vocab), r * part.length * vocab)
    }
    return { data, batch: part.batch, length: part.length, vocab }
  })
}
