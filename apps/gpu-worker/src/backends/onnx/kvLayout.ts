/** The model dimensions behind a graph's `past_kv` / `present_kv`: [layers, 2, B, heads, positions, headDim]. */
export interface KvShape {
  readonly layers: number
  readonly heads: number
  readonly headDim: number
}

/**
 * Copies on KV tensors laid out [outer, B, heads, positions, headDim] (outer = layers × 2), the
 * layout of the cache-aware diffusion graph's and the causal graph's `past_kv` / `present_kv`.
 */
export interface KvLayout {
  /** layers × 2 */
  readonly outer: number
  readonly heads: number
  readonly headDim: number
}

export const kvLayoutOf = ({ layers, heads, headDim }: KvShape): KvLayout => ({ outer: layers * 2, heads, headDim })

/** Floats of one batch row of one `outer` slab holding `positions` positions. */
export const kvRowSize = (layout: KvLayout, positions: number): number => layout.heads * positions * layout.headDim

/** The cache without positions [from, to): [outer, B, heads, length − (to − from), headDim], order kept. */
export const withoutPositions = (
  kv: Float32Array,
  layout: KvLayout,
  batch: number,
  length: number,
  from: number,
  to: number,
): Float32Array => {
  const { outer, heads, headDim } = layout
  const kept = length - (to - from)
  const out = new Float32Array(outer * batch * heads * kept * headDim)
  let target = 0
  for (let slab = 0; slab < outer * batch * heads; slab++) {
    const source = slab * length * headDim
    out.set(kv.subarray(source, source + from * headDim), target)
    target += from * headDim
    out.set(kv.subarray(source + to * headDim, source + length * headDim), target)
    target += (length - to) * headDim
  }
  return out
}

/** Several [outer, B_i, ...] tensors as one [outer, ΣB_i, ...]; `rowSize` is the size of one batch row. */
export const concatBatches = (parts: ReadonlyArray<{ readonly data: Float32Array; readonly batch: number }>, outer: number, rowSize: number): Float32Array => {
  const total = parts.reduce((rows, part) => rows + part.batch, 0)
  const out = new Float32Array(outer * total * rowSize)
  for (let o = 0; o < outer; o++) {
    let row = 0
    for (const part of parts) {
      const size = part.batch * rowSize
      out.set(part.data.subarray(o * size, (o + 1) * size), (o * total + row) * rowSize)
      row += part.batch
    }
  }
  return out
}

/** The inverse of `concatBatches`: one [outer, B_i, ...] tensor per part. */
export const splitBatches = (data: Float32Array, batches: ReadonlyArray<number>, outer: number, rowSize: number): Array<Float32Array> => {
  const total = batches.reduce((rows, batch) => rows + batch, 0)
  let row = 0
  return batches.map((batch) => {
    const out = new Float32Array(outer * batch * rowSize)
    for (let o = 0; o < outer; o++) {
      const source = (o * total + row) * rowSize
      out.set(data.subarray(source, source + batch * rowSize), o * batch * rowSize)
    }
    row += batch
    return out
  })
}

/** Rows [offset, offset + count) of each batch row of a [B, rows, rowSize] tensor, as [B, count, rowSize]. */
export const sliceRows = <T extends Float32Array | Int32Array>(
  data: T,
  batch: number,
  rows: number,
  rowSize: number,
  offset: number,
  count: number,
): T => {
  const out = new (data.constructor as new(length: number) => T)(batch * count * rowSize)
  for (let b = 0; b < batch; b++) {
    const source = (b * rows + offset) * rowSize
    out.set(data.subarray(source, source + count * rowSize), b * count * rowSize)
  }
  return out
}
