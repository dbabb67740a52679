/** A batch of token ids, row-major [batch, length]. */
export interface TokenBatch {
  readonly ids: Int32Array
  readonly batch: number
  readonly length: number
  /** Optional key-padding mask [batch, length], 1 = real token. Rows are right-padded. */
  readonly attentionMask?: Int32Array
}

/** Logits, row-major [batch, length, vocab]. */
export interface LogitsBatch {
  readonly data: Float32Array
  readonly batch: number
  readonly length: number
  readonly vocab: number
}
