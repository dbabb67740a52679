import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  ArParams,
  decodeParams,
  DiffusionParams,
  InvalidParams,
  MAX_CFG_SCALE,
  MAX_FACTOR,
  MAX_GEN_LENGTH,
  MAX_SEED,
  MAX_STEPS,
  MAX_TEMPERATURE,
  MAX_TOP_K,
  toInvalidParams,
} from "../src/index.js"

const decodeDiffusion = (input: unknown) => Effect.runSync(Effect.result(decodeParams(DiffusionParams)(input)))
const rejection = (input: unknown, schema: Schema.Top & { readonly DecodingServices: never } = DiffusionParams) => {
  const error = Effect.runSync(Effect.flip(decodeParams(schema)(input)))
  return { field: error.field, message: error.message }
}
const base = { genLength: 8, steps: 4, remasking: "low_confidence" }

describe("DiffusionParams", () => {
  it("fills the defaults", () => {
    const result = decodeDiffusion(base)
    expect(result._tag === "Success" && result.success).toEqual({
      ...base,
      temperature: 0,
      cfgScale: 0,
      stopAtEos: false,
      seed: 0,
      cache: "none",
    })
  })

  it("accepts a decoded value again (the samplers re-validate their input)", () => {
    const full = { ...base, blockLength: 4, temperature: 0.5, cfgScale: 1, threshold: 0.9, stopAtEos: true, seed: 7, cache: "dual" }
    const result = decodeDiffusion(full)
    expect(result._tag === "Success" && result.success).toEqual(full)
  })

  it("takes a factor (0, MAX_FACTOR] or a threshold, not both, and a known cache mode", () => {
    expect(decodeDiffusion({ ...base, factor: 1, cache: "prefix" })._tag).toBe("Success")
    expect(rejection({ ...base, factor: 0 }).field).toBe("factor")
    expect(rejection({ ...base, factor: MAX_FACTOR + 1 }).field).toBe("factor")
    expect(rejection({ ...base, factor: 1, threshold: 0.9 })).toEqual({
      field: "factor",
      message: "threshold and factor are alternative rules: give one of them",
    })
    expect(rejection({ ...base, cache: "both" }).field).toBe("cache")
  })

  it("names the field and the reason for invalid block structure", () => {
    expect(rejection({ ...base, blockLength: 3 })).toEqual({
      field: "blockLength",
      message: "genLength (8) must be a multiple of blockLength (3)",
    })
    expect(rejection({ ...base, blockLength: 16 }).field).toBe("blockLength")
    expect(rejection({ ...base, blockLength: 4, steps: 3 })).toEqual({
      field: "steps",
      message: "steps (3) must be a multiple of the number of blocks (2)",
    })
    expect(rejection({ ...base, steps: 9 })).toEqual({ field: "steps", message: "steps (9) must not exceed genLength (8)" })
  })

  it("rejects non-finite, fractional, out-of-range and unknown values", () => {
    expect(rejection({ ...base, temperature: Number.NaN })).toEqual({ field: "temperature", message: "Expected a finite number" })
    expect(rejection({ ...base, cfgScale: Number.POSITIVE_INFINITY }).field).toBe("cfgScale")
    expect(rejection({ ...base, genLength: 8.5 }).field).toBe("genLength")
    expect(rejection({ ...base, genLength: MAX_GEN_LENGTH + 1 }).field).toBe("genLength")
    expect(rejection({ ...base, steps: 0 }).field).toBe("steps")
    expect(rejection({ ...base, temperature: MAX_TEMPERATURE + 1 }).field).toBe("temperature")
    expect(rejection({ ...base, cfgScale: MAX_CFG_SCALE + 1 }).field).toBe("cfgScale")
    expect(rejection({ ...base, threshold: 1.5 }).field).toBe("threshold")
    expect(rejection({ ...base, seed: MAX_SEED + 1 }).field).toBe("seed")
    expect(rejection({ ...base, remasking: "top_k" }).field).toBe("remasking")
    expect(rejection({ steps: 4, remasking: "random" })).toEqual({ field: "genLength", message: "Missing key" })
    expect(rejection(null).field).toBe("")
  })

  it("has the documented limits", () => {
    expect([MAX_GEN_LENGTH, MAX_STEPS]).toEqual([1024, 1024])
    expect(decodeDiffusion({ genLength: MAX_GEN_LENGTH, steps: MAX_STEPS, remasking: "random" })._tag).toBe("Success")
  })
})

describe("ArParams", () => {
  it("fills the defaults and validates top-k / top-p", () => {
    expect(Effect.runSync(decodeParams(ArParams)({ maxTokens: 5 }))).toEqual({
      maxTokens: 5,
      temperature: 0,
      stopAtEos: true,
      seed: 0,
    })
    expect(rejection({ maxTokens: 5, topK: 0 }, ArParams).field).toBe("topK")
    expect(rejection({ maxTokens: 5, topK: MAX_TOP_K + 1 }, ArParams).field).toBe("topK")
    expect(rejection({ maxTokens: 5, topP: 0 }, ArParams).field).toBe("topP")
    expect(rejection({ maxTokens: 0 }, ArParams).field).toBe("maxTokens")
  })
})

describe("toInvalidParams", () => {
  it("joins nested paths and keeps the schema's message", () => {
    const Request = Schema.Struct({ params: Schema.Struct({ items: Schema.Array(Schema.Int) }) })
    const error = Effect.runSync(Effect.flip(Schema.decodeUnknownEffect(Request)({ params: { items: [1, 2.5] } })))
    const invalid = toInvalidParams(error)
    expect(invalid).toBeInstanceOf(InvalidParams)
    expect(invalid._tag).toBe("InvalidParams")
    expect(invalid.field).toBe("params.items.1")
    expect(invalid.message).toBe("Expected an integer")
  })
})
