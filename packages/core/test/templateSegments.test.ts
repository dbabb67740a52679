import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { decodeParams, MAX_GEN_LENGTH, MAX_SEGMENTS, segmentMasks, TemplateSegments } from "../src/index.js"

const Request = Schema.Struct({ segments: TemplateSegments })
const rejection = (segments: unknown) => {
  const error = Effect.runSync(Effect.flip(decodeParams(Request)({ segments })))
  return { field: error.field, message: error.message }
}

describe("TemplateSegments", () => {
  it("accepts text and masked spans in any order and counts the masks", () => {
    const segments = [{ masks: 2 }, { text: "Once" }, { masks: 5 }, { text: "" }, { text: " [MASK] stays text" }]
    const decoded = Effect.runSync(decodeParams(TemplateSegments)(segments))
    expect(decoded).toEqual(segments)
    expect(segmentMasks(decoded)).toBe(7)
  })

  it("names the field of every bad template", () => {
    expect(rejection([])).toEqual({ field: "segments", message: `the template is empty: "segments" needs at least one {"masks": n} span` })
    expect(rejection([{ text: "a" }, { text: "b" }])).toEqual({
      field: "segments",
      message: `"segments" holds no masked span ({"masks": n}): there is nothing to generate`,
    })
    expect(rejection([{ text: "a" }, { masks: 0 }]).field).toBe("segments.1.masks")
    expect(rejection([{ masks: 2.5 }]).field).toBe("segments.0.masks")
    expect(rejection([{ masks: MAX_GEN_LENGTH + 1 }]).field).toBe("segments.0.masks")
    expect(rejection([{ text: 3 }, { masks: 1 }]).field).toBe("segments.0.text")
    expect(rejection([{ text: "a", masks: 3 }])).toMatchObject({ field: "segments.0", message: expect.stringMatching(/got both/) })
    expect(rejection([{}, { masks: 3 }])).toMatchObject({ field: "segments.0", message: expect.stringMatching(/got neither/) })
    expect(rejection(Array.from({ length: MAX_SEGMENTS + 1 }, () => ({ masks: 1 }))).field).toBe("segments")
    expect(rejection("a story").field).toBe("segments")
  })
})
