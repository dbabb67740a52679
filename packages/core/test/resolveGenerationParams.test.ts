import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import {
  DEFAULT_GEN_LENGTH,
  MAX_GEN_LENGTH,
  MAX_LOGPROBS,
  MAX_STEPS,
  resolveGenerationParams,
  type SamplerFields,
  wireFieldName,
  wireFields,
} from "../src/index.js"

const resolved = (mode: "diffusion" | "ar", fields: SamplerFields) => Effect.runSync(resolveGenerationParams(mode, fields))
const refusal = (mode: "diffusion" | "ar", fields: SamplerFields) => {
  const error = Effect.runSync(Effect.flip(resolveGenerationParams(mode, fields)))
  return { _tag: error._tag, field: error.field, message: error.message }
}

describe("resolveGenerationParams", () => {
  it("fills one default length for both modes, steps = length and low-confidence remasking", () => {
    expect(DEFAULT_GEN_LENGTH).toBe(64)
    expect(resolved("diffusion", {})).toEqual({
      mode: "diffusion",
      params: { genLength: 64, steps: 64, remasking: "low_confidence", temperature: 0, cfgScale: 0, cache: "none", stopAtEos: false, seed: 0 },
    })
    expect(resolved("ar", {})).toEqual({ mode: "ar", params: { maxTokens: 64, temperature: 0, stopAtEos: true, seed: 0 } })
    expect(resolved("diffusion", { maxTokens: 16 }).params).toMatchObject({ genLength: 16, steps: 16 })
  })

  it("keeps what the request gives and treats null as not given", () => {
    expect(resolved("diffusion", { maxTokens: 16, steps: 8, blockLength: 8, remasking: "margin", cache: "dual", seed: 3, temperature: null }).params)
      .toEqual({ genLength: 16, steps: 8, blockLength: 8, remasking: "margin", temperature: 0, cfgScale: 0, cache: "dual", stopAtEos: false, seed: 3 })
    expect(resolved("ar", { maxTokens: 4, topK: 5, topP: 0.5, temperature: 1 }).params)
      .toEqual({ maxTokens: 4, topK: 5, topP: 0.5, temperature: 1, stopAtEos: true, seed: 0 })
  })

  it("refuses a parameter of the other mode by name", () => {
    expect(refusal("ar", { steps: 4 })).toEqual({ _tag: "InvalidParams", field: "steps", message: `"steps" applies only to diffusion models` })
    expect(refusal("ar", { cache: "dual" })).toMatchObject({ field: "cache" })
    expect(refusal("diffusion", { topP: 0.9 })).toEqual({ _tag: "InvalidParams", field: "topP", message: `"topP" applies only to autoregressive models` })
    expect(resolved("diffusion", { topK: null }).mode).toBe("diffusion")
    expect(Effect.runSync(resolveGenerationParams("ar", { maxTokens: 4, steps: 4, cache: "dual" }, "ignore")).params)
      .toEqual({ maxTokens: 4, temperature: 0, stopAtEos: true, seed: 0 })
  })

  it("takes logprobs in both modes, an integer from 0 to MAX_LOGPROBS, null or absent meaning none", () => {
    expect(MAX_LOGPROBS).toBe(5)
    expect(resolved("ar", { logprobs: 0 }).params).toMatchObject({ logprobs: 0 })
    expect(resolved("diffusion", { logprobs: MAX_LOGPROBS }).params).toMatchObject({ logprobs: MAX_LOGPROBS })
    expect(resolved("ar", { logprobs: null }).params).not.toHaveProperty("logprobs")
    expect(resolved("diffusion", {}).params).not.toHaveProperty("logprobs")
    for (const bad of [MAX_LOGPROBS + 1, -1, 1.5, "x", true]) {
      expect(refusal("ar", { logprobs: bad }).field).toBe("logprobs")
      expect(refusal("diffusion", { logprobs: bad }).field).toBe("logprobs")
    }
  })

  it("names core's genLength as the wire's maxTokens, and keeps core's messages", () => {
    expect(refusal("diffusion", { maxTokens: 0 }).field).toBe("maxTokens")
    expect(refusal("diffusion", { maxTokens: MAX_GEN_LENGTH + 1 }).field).toBe("maxTokens")
    expect(refusal("ar", { maxTokens: 1.5 }).field).toBe("maxTokens")
    expect(refusal("diffusion", { maxTokens: 16, blockLength: 5 })).toEqual({
      _tag: "InvalidParams",
      field: "blockLength",
      message: "genLength (16) must be a multiple of blockLength (5)",
    })
    expect(refusal("diffusion", { maxTokens: 16, steps: 17 }).field).toBe("steps")
    expect(refusal("diffusion", { maxTokens: MAX_GEN_LENGTH, steps: MAX_STEPS + 1 }).field).toBe("steps")
    expect(refusal("diffusion", { remasking: "best" }).field).toBe("remasking")
    expect(wireFieldName("genLength")).toBe("maxTokens")
    expect(wireFieldName("promptIds")).toBe("prompt")
    expect(wireFieldName("steps")).toBe("steps")
  })

  it("gives back the wire's fields, which resolve to the same parameters (the worker verifies what the edge resolved)", () => {
    for (const [mode, fields] of [
      ["diffusion", { maxTokens: 16, blockLength: 8, steps: 4, factor: 1, cache: "prefix" }],
      ["diffusion", {}],
      ["ar", { maxTokens: 4, topP: 0.5 }],
      ["ar", { logprobs: 2 }],
      ["diffusion", { logprobs: 0 }],
    ] as const) {
      const first = resolved(mode, fields)
      expect(wireFields(first)).not.toHaveProperty("stopAtEos")
      expect(wireFields(first)).not.toHaveProperty("genLength")
      expect(resolved(mode, wireFields(first))).toEqual(first)
    }
    expect(wireFields(resolved("diffusion", {}))).toEqual({
      maxTokens: 64, steps: 64, remasking: "low_confidence", temperature: 0, cfgScale: 0, cache: "none", seed: 0,
    })
  })
})
