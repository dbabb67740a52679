import { describe, expect, it } from "vitest"
import { mergeTokenBatches, splitLogits } from "../src/scheduler/mergeTokenBatches.js"

describe("merging denoise calls into one batch", () => {
  const a = { ids: Int32Array.of(1, 2, 3), batch: 1, length: 3 }
  const b = { ids: Int32Array.of(4, 5, 6, 7, 8, 9, 10, 11), batch: 2, length: 4, attentionMask: Int32Array.of(1, 1, 1, 0, 1, 1, 1, 1) }

  it("right-pads to the longest length with attention_mask 0", () => {
    const merged = mergeTokenBatches([a, b], 99)
    expect([merged.batch, merged.length]).toEqual([3, 4])
    expect(Array.from(merged.ids)).toEqual([1, 2, 3, 99, 4, 5, 6, 7, 8, 9, 10, 11])
    expect(Array.from(merged.attentionMask)).toEqual([1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1])
  })

  it("splits the logits back per call, dropping padded positions", () => {
    const vocab = 2
    const merged = mergeTokenBatches([a, b], 99)
    const logits = Float32Array.from({ length: merged.batch * merged.length * vocab }, (_, i) => i)
    const [forA, forB] = splitLogits(logits, merged, [a, b], vocab)
    expect(forA).toMatchObject({ batch: 1, length: 3, vocab })
    expect(Array.from(forA!.data)).toEqual([0, 1, 2, 3, 4, 5])
    expect(Array.from(forB!.data)).toEqual(Array.from({ length: 16 }, (_, i) => 8 + i))
  })
})
