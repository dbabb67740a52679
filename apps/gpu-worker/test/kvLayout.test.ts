import { describe, expect, it } from "vitest"
import { concatBatches, sliceRows, splitBatches, withoutPositions } from "../src/backends/onnx/kvLayout.js"

// [outer 2, B 1, heads 2, positions 4, headDim 1]: value = outer·100 + head·10 + position.
const kv = Float32Array.from({ length: 16 }, (_, i) => Math.floor(i / 8) * 100 + (Math.floor(i / 4) % 2) * 10 + (i % 4))

describe("kvLayout", () => {
  it("withoutPositions drops [from, to) in every (outer, batch, head) slab and keeps the order", () => {
    const kept = withoutPositions(kv, { outer: 2, heads: 2, headDim: 1 }, 1, 4, 1, 3)
    expect(Array.from(kept)).toEqual([0, 3, 10, 13, 100, 103, 110, 113])
  })

  it("concatBatches and splitBatches are inverse along the batch axis under an outer axis", () => {
    const a = Float32Array.of(1, 2, 3, 4) // [outer 2, B 1, row 2]
    const b = Float32Array.of(5, 6, 7, 8, 9, 10, 11, 12) // [outer 2, B 2, row 2]
    const merged = concatBatches([{ data: a, batch: 1 }, { data: b, batch: 2 }], 2, 2)
    expect(Array.from(merged)).toEqual([1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12])
    expect(splitBatches(merged, [1, 2], 2, 2).map((part) => Array.from(part))).toEqual([Array.from(a), Array.from(b)])
  })

  it("sliceRows takes the same rows of every batch row, for any typed array", () => {
    const data = Int32Array.from({ length: 12 }, (_, i) => i) // [B 2, rows 3, rowSize 2]
    const rows = sliceRows(data, 2, 3, 2, 1, 2)
    expect(rows).toBeInstanceOf(Int32Array)
    expect(Array.from(rows)).toEqual([2, 3, 4, 5, 8, 9, 10, 11])
  })
})
