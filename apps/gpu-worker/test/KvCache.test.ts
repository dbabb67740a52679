import { describe, expect, it } from "vitest"
import { stackKvCaches, unstackKvCache } from "../src/backends/onnx/KvCache.js"

describe("KV caches stacked along the batch axis", () => {
  const shape = { layers: 2, heads: 3, headDim: 2, vocab: 8 }
  const cache = (seed: number, length: number) => ({
    data: Float32Array.from({ length: shape.layers * 2 * shape.heads * length * shape.headDim }, (_, i) => seed * 1000 + i),
    length,
  })

  it("puts row b of every (layer, key|value) slice at batch index b, and unstacks back", () => {
    const caches = [cache(1, 4), cache(2, 4), cache(3, 4)]
    const stacked = stackKvCaches(caches, shape)
    const slice = shape.heads * 4 * shape.headDim
    // [layers=0, k, b=1] starts after [0, k, b=0]
    expect(stacked[slice]).toBe(2000)
    // [layers=0, v, b=0] comes after the three key rows of layer 0
    expect(stacked[3 * slice]).toBe(1000 + slice)
    expect(unstackKvCache(stacked, 3, 4, shape)).toEqual(caches)
  })
})
