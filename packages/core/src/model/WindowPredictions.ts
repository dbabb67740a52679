import type { LogitsBatch } from "./Tensors.js"

/** Canvas positions [start, end) whose predictions a step needs. */
export interface Window {
  readonly start: number
  readonly end: number
}

/**
 * Per position of a window, what a fused confidence head computes from the model's softmax with the
 * mask token excluded: the two most probable tokens' ids and probabilities, and the entropy (nats).
 * Row-major [batch, window length] (× 2 for the top-2 arrays).
 */
export interface ConfidenceBatch {
  readonly topTokens: Int32Array
  readonly topProbabilities: Float32Array
  readonly entropy: Float32Array
  readonly batch: number
  readonly length: number
}

/**
 * The model's predictions for the positions of a window, row i being position window.start + i:
 * full logits, or only the confidence summary when the sampler asked for it and the model has a
 * fused head.
 */
export type WindowPredictions =
  | { readonly _tag: "Logits"; readonly logits: LogitsBatch }
  | { readonly _tag: "Confidence"; readonly confidence: ConfidenceBatch }
