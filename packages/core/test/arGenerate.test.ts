import { Effect, Layer, Schema, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { ArParams, arGenerate, CausalLM, collectResult, makeRng, ModelError, type TokenIds } from "../src/index.js"
import { sampleNextToken } from "../src/sampling/sampleNextToken.js"
import { generationError, runGeneration } from "./support/runStream.js"
import { testDoubleCausalLM } from "./support/testDoubleCausalLM.js"

const VOCAB = 8
const ids: TokenIds = { maskId: 7, eosId: 6, vocabSize: VOCAB }
const params = (overrides: Partial<ArParams> = {}): ArParams => Schema.decodeUnknownSync(ArParams)({ maxTokens: 5, ...overrides })
/** Next token (last + 1) mod 6, clearly preferred; after a 5 comes EOS. */
const counting = (sequence: ReadonlyArray<number>) => {
  const last = sequence[sequence.length - 1] ?? 0
  const next = last === 5 ? ids.eosId : (last + 1) % 6
  return Float32Array.from({ length: VOCAB }, (_, v) => v === next ? 2 : v === 7 ? -Infinity : 0)
}

describe("arGenerate", () => {
  it("greedy: one token per frame, canvas = prompt ++ generated, nfe counts the prefill", () => {
    const lm = testDoubleCausalLM(VOCAB, counting)
    const { frames, result } = runGeneration(arGenerate(Int32Array.of(0, 1), params({ maxTokens: 3 }), ids), lm.layer)
    expect(frames.map((f) => Array.from(f.canvas))).toEqual([[0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3, 4]])
    expect(frames.map((f) => [f.step, f.block, f.committed, f.nfe])).toEqual([[0, 0, [2], 1], [1, 0, [3], 2], [2, 0, [4], 3]])
    expect(result).toEqual({ tokens: [2, 3, 4], nfe: 3, steps: 3, committedPerStep: [1, 1, 1], finishReason: "length" })
    expect(lm.calls).toEqual(["prefill", "step", "step"])
  })

  it("stops at end-of-text (not part of the tokens) unless told otherwise", () => {
    const stopped = runGeneration(arGenerate(Int32Array.of(0, 3), params({ maxTokens: 10 }), ids), testDoubleCausalLM(VOCAB, counting).layer)
    expect(stopped.result).toEqual({ tokens: [4, 5], nfe: 3, steps: 3, committedPerStep: [1, 1, 1], finishReason: "eos" })
    expect(Array.from(stopped.frames[2]?.canvas ?? [])).toEqual([0, 3, 4, 5, ids.eosId])
    const running = runGeneration(
      arGenerate(Int32Array.of(0, 3), params({ maxTokens: 4, stopAtEos: false }), ids),
      testDoubleCausalLM(VOCAB, counting).layer,
    )
    expect(running.result).toMatchObject({ tokens: [4, 5, ids.eosId, 1], finishReason: "length" })
  })

  it("sampling is reproducible per seed; top-k = 1 and a tiny top-p are greedy", () => {
    const flat = () => Float32Array.from({ length: VOCAB }, (_, v) => v === 7 ? -Infinity : v * 0.1)
    const run = (p: ArParams) =>
      runGeneration(arGenerate(Int32Array.of(0), p, ids), testDoubleCausalLM(VOCAB, flat).layer).result.tokens
    const sampled = params({ maxTokens: 12, temperature: 1, stopAtEos: false, seed: 99 })
    expect(run(sampled)).toEqual(run(sampled))
    expect(run(sampled)).not.toEqual(run({ ...sampled, seed: 100 }))
    expect(run({ ...sampled, topK: 1 })).toEqual(new Array(12).fill(6))
    expect(run({ ...sampled, topP: 1e-6 })).toEqual(new Array(12).fill(6))
  })

  it("taking k frames makes exactly k model calls", () => {
    const lm = testDoubleCausalLM(VOCAB, counting)
    Effect.runSync(Stream.runDrain(arGenerate(Int32Array.of(0), params(), ids).pipe(Stream.take(2))).pipe(Effect.provide(lm.layer)))
    expect(lm.calls).toEqual(["prefill", "step"])
  })

  it("fails with InvalidParams on a bad prompt before any call, and with ModelError on a bad model answer", () => {
    const lm = testDoubleCausalLM(VOCAB, counting)
    expect(generationError(arGenerate(new Int32Array(0), params(), ids), lm.layer)).toMatchObject({ field: "promptIds" })
    expect(lm.calls).toHaveLength(0)
    const short = testDoubleCausalLM(VOCAB, counting, { logitsLength: 5 })
    expect(generationError(arGenerate(Int32Array.of(0), params(), ids), short.layer)).toMatchObject({
      _tag: "ModelError",
      message: "expected 8 logits, got 5",
    })
    const failing = Layer.succeed(CausalLM, CausalLM.of({
      prefill: () => Effect.fail(new ModelError({ message: "no session" })),
      step: () => Effect.fail(new ModelError({ message: "no session" })),
    }))
    expect(Effect.runSync(collectResult(arGenerate(Int32Array.of(0), params(), ids)).pipe(Effect.provide(failing), Effect.flip)))
      .toMatchObject({ _tag: "ModelError", message: "no session" })
  })
})

describe("sampleNextToken", () => {
  const logits = Float32Array.of(2, 1.5, 1, 0, -1)
  const frequencies = (options: Parameters<typeof sampleNextToken>[1], draws = 6000) => {
    const rng = makeRng(8)
    const counts = new Array<number>(logits.length).fill(0)
    for (let i = 0; i < draws; i++) counts[sampleNextToken(logits, options, rng)]! += 1
    return counts.map((c) => c / draws)
  }
  const softmax = (values: ReadonlyArray<number>) => {
    const exp = values.map(Math.exp)
    const total = exp.reduce((a, b) => a + b, 0)
    return exp.map((e) => e / total)
  }

  it("is argmax at temperature 0 (lowest id on ties) and draws nothing", () => {
    const rng = makeRng(1)
    expect(sampleNextToken(Float32Array.of(1, 3, 3), { temperature: 0 }, rng)).toBe(1)
    expect(rng.nextUint32()).toBe(makeRng(1).nextUint32())
  })

  it("samples softmax(logits / T)", () => {
    frequencies({ temperature: 0.5 }).forEach((f, i) => expect(f).toBeCloseTo(softmax(Array.from(logits, (l) => l / 0.5))[i] ?? NaN, 1))
  })

  it("restricts to the top-k, then to the nucleus reaching top-p", () => {
    const topK = frequencies({ temperature: 1, topK: 2 })
    expect(topK.slice(2)).toEqual([0, 0, 0])
    const renormalised = softmax([2, 1.5])
    expect(topK[0]).toBeCloseTo(renormalised[0] ?? NaN, 1)
    // softmax(logits) ≈ [0.46, 0.28, 0.17, 0.06, 0.02]: top-p 0.7 needs the first two, 0.75 the first three.
    expect(frequencies({ temperature: 1, topP: 0.7 }).slice(2)).toEqual([0, 0, 0])
    expect(frequencies({ temperature: 1, topP: 0.75 })[2]).toBeGreaterThan(0)
    expect(frequencies({ temperature: 1, topP: 0.75 }).slice(3)).toEqual([0, 0])
  })
})
