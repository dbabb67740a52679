import type { CausalGraphShape } from "../backends/onnx/OnnxCausalGraph.js"

/** One generation's KV cache, [layers, 2, 1, heads, length, headDim]; opaque to core. */
export interface KvCache {
  readonly data: Float32Array
  readonly length: number
}

export const emptyKvCache: KvCache = { data: new Float32Array(0), length: 0 }

/** Floats of one (layer, key|value) slice of one batch row. */
const sliceSize = (shape: CausalGraphShape, length: number) => shape.heads * length * shape.headDim

/** Stacks equal-length caches along the batch axis: [layers, 2, B, heads, length, headDim]. */
export const stackKvCaches = (caches: ReadonlyArray<KvCache>, shape: CausalGraphShape): Float32Array => {
  const length = caches[0]!.length
  const slice = sliceSize(shape, length)
  const stacked = new Float32Array(shape.layers * 2 * caches.length * slice)
  for (let outer = 0; outer < shape.layers * 2; outer++) {
    caches.forEach((cache, b) => {
      stacked.set(cache.data.subarray(outer * slice, (outer + 1) * slice), (outer * caches.length + b) * slice)
    })
  }
  return stacked
}

/** The inverse of `stackKvCaches`: one cache per batch row. */
export const unstackKvCache = (
  stacked: Float32Array,
  batch: number,
  length: number,
  shape: CausalGraphShape,
): Array<KvCache> => {
  const slice = sliceSize(shape, length)
  return Array.from({ length: batch }, (_, b) => {
    const data = new Float32Array(shape.layers * 2 * slice)
    for (let outer = 0; outer < shape.layers * 2; outer++) {
      const source = (outer * batch + b) * slice
      data.set(stacked.subarray(source, source + slice), outer * slice)
    }
    return { data, length }
  })
}
