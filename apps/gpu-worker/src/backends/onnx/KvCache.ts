import { concatBatches, type KvShape, kvLayoutOf, kvRowSize, splitBatches } from "./kvLayout.js"

/** One sequence's KV cache of the causal graph, [layers, 2, 1, heads, length, headDim]; opaque to core. */
export interface KvCache {
  readonly data: Float32Array
  readonly length: number
}

export const emptyKvCache: KvCache = { data: new Float32Array(0), length: 0 }

export const isKvCache = (cache: unknown): cache is KvCache =>
  typeof cache === "object" && cache !== null && "data" in cache && cache.data instanceof Float32Array

/** Stacks equal-length caches along the batch axis: [layers, 2, B, heads, length, headDim]. */
export const stackKvCaches = (caches: ReadonlyArray<KvCache>, shape: KvShape): Float32Array => {
  const layout = kvLayoutOf(shape)
  return concatBatches(caches.map(({ data }) => ({ data, batch: 1 })), layout.outer, kvRowSize(layout, caches[0]!.length))
}

/** The inverse of `stackKvCaches`: one cache per batch row. */
export const unstackKvCache = (stacked: Float32Array, batch: number, length: number, shape: KvShape): Array<KvCache> => {
  const layout = kvLayoutOf(shape)
  return splitBatches(stacked, Array.from({ length: batch }, () => 1), layout.outer, kvRowSize(layout, length)).map((data) => ({ data, length }))
}
