import { Effect, Layer, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  ArParams,
  arGenerate,
  Denoiser,
  type DiffusionParams,
  diffusionGenerate,
  type Frame,
  type GenerationResult,
  logSoftmax,
  MAX_LOGPROBS,
  MAX_SEED,
  type TokenIds,
} from "../src/index.js"
import { classifierFreeGuidance } from "../src/sampling/classifierFreeGuidance.js"
import { tokenLogprob } from "../src/sampling/tokenLogprob.js"
import { diffusionParams, TEST_VOCAB, testTokenIds } from "./support/diffusionParams.js"
import { generationError, runGeneration } from "./support/runStream.js"
import { testDoubleCausalLM } from "./support/testDoubleCausalLM.js"
import { hashedLogits, type PositionLogits, testDoubleDenoiser } from "./support/testDoubleDenoiser.js"

/** The `count` largest entries of a log-softmax, highest first, equal values by lower id: what `top` must be. */
const expectedTop = (logprobs: Float64Array, count: number, excluded: ReadonlyArray<number> = []) =>
  Array.from(logprobs, (logprob, token) => ({ token, logprob }))
    .filter(({ token }) => !excluded.includes(token))
    .sort((a, b) => b.logprob - a.logprob || a.token - b.token)
    .slice(0, count)

/** The log-softmax of `row` with the `excluded` ids left out of the normaliser (−∞ there). */
const logSoftmaxWithout = (row: ArrayLike<number>, excluded: ReadonlyArray<number>) =>
  logSoftmax(Array.from(row, (value, token) => excluded.includes(token) ? -Infinity : value))

const closeTo = (actual: ReadonlyArray<{ token: number; logprob: number }>, expected: ReadonlyArray<{ token: number; logprob: number }>) => {
  expect(actual.map((choice) => choice.token)).toEqual(expected.map((choice) => choice.token))
  actual.forEach((choice, i) => expect(choice.logprob).toBeCloseTo(expected[i]!.logprob, 12))
}

describe("tokenLogprob", () => {
  it("is the log-softmax at temperature 1, with the most likely tokens first and ties by lower id", () => {
    const logits = Float32Array.of(0.5, 2, -1, 2, 0, 3)
    const expected = logSoftmax(logits)
    const scored = tokenLogprob(logits, 2, 3)
    expect(scored.token).toBe(2)
    expect(scored.logprob).toBeCloseTo(expected[2]!, 12)
    closeTo(scored.top, expectedTop(expected, 3))
    expect(scored.top.map((choice) => choice.token)).toEqual([5, 1, 3])
    expect(tokenLogprob(logits, 5, 0).top).toEqual([])
    expect(tokenLogprob(logits, 5, 10).top).toHaveLength(logits.length)
  })

  it("leaves forbidden tokens out of the normaliser and of the alternatives", () => {
    const logits = Float32Array.of(0.5, 2, -1, 9, 0)
    const forbidden = Uint8Array.of(0, 0, 0, 1, 0)
    const scored = tokenLogprob(logits, 1, 2, forbidden)
    const expected = logSoftmaxWithout(logits, [3])
    expect(scored.logprob).toBeCloseTo(expected[1]!, 12)
    closeTo(scored.top, expectedTop(expected, 2, [3]))
  })
})

describe("arGenerate with logprobs", () => {
  const VOCAB = 8
  const ids: TokenIds = { maskId: 7, eosId: 6, vocabSize: VOCAB }
  const arParams = (overrides: object) => Schema.decodeUnknownSync(ArParams)({ maxTokens: 6, ...overrides })
  /** TEST DOUBLE logits: a pure function of the sequence, with a clear favourite and EOS after a 5. */
  const nextLogits = (sequence: ReadonlyArray<number>) => {
    const last = sequence[sequence.length - 1] ?? 0
    const next = last === 5 ? ids.eosId : (last + 1) % 6
    return Float32Array.from({ length: VOCAB }, (_, v) => (v === next ? 2 : 0.1 * ((v * (last + 3)) % 5)))
  }
  const run = (params: ArParams, prompt = Int32Array.of(0, 1)) =>
    runGeneration(arGenerate(prompt, params, ids), testDoubleCausalLM(VOCAB, nextLogits).layer)

  it("scores each token by the log-softmax of its step's raw logits, greedy picking the top alternative", () => {
    const prompt = Int32Array.of(0, 1)
    const { result } = run(arParams({ logprobs: 2 }), prompt)
    expect(result.logprobs).toHaveLength(result.tokens.length)
    result.tokens.forEach((token, i) => {
      const expected = logSoftmax(nextLogits([...prompt, ...result.tokens.slice(0, i)]))
      const scored = result.logprobs![i]!
      expect(scored.token).toBe(token)
      expect(scored.logprob).toBeCloseTo(expected[token]!, 12)
      closeTo(scored.top, expectedTop(expected, 2))
      expect(scored.top[0]!.token).toBe(token)
    })
  })

  it("scores sampled tokens at temperature 1 before top-k, and leaves out the end-of-text token's score", () => {
    const sampled = run(arParams({ logprobs: 1, temperature: 2, topK: 3, seed: 7, maxTokens: 12 })).result
    const prompt = [0, 1]
    sampled.tokens.forEach((token, i) => {
      const expected = logSoftmax(nextLogits([...prompt, ...sampled.tokens.slice(0, i)]))
      expect(sampled.logprobs![i]!.logprob).toBeCloseTo(expected[token]!, 12)
    })
    const stopped = run(arParams({ logprobs: 0 }), Int32Array.of(0, 3)).result
    expect(stopped.finishReason).toBe("eos")
    expect(stopped.logprobs!.map((scored) => scored.token)).toEqual(stopped.tokens)
    expect(stopped.logprobs!.every((scored) => scored.top.length === 0)).toBe(true)
  })

  it("without logprobs: no scores, and the same tokens and calls as with them", () => {
    for (const overrides of [{}, { temperature: 1.3, seed: 11, topP: 0.8 }]) {
      const plain = run(arParams(overrides))
      const scored = run(arParams({ ...overrides, logprobs: MAX_LOGPROBS }))
      expect(plain.result).not.toHaveProperty("logprobs")
      const { logprobs: _scores, ...rest } = scored.result
      expect(rest).toEqual(plain.result)
      expect(scored.frames).toEqual(plain.frames)
    }
  })
})

describe("diffusionGenerate with logprobs", () => {
  const ids = testTokenIds
  const prompt = Int32Array.of(0, 3, 5)

  /** The canvas each step saw: the prompt and masks before step 0, else the previous frame's. */
  const canvasBefore = (frames: ReadonlyArray<Frame>, step: number, genLength: number) =>
    step === 0 ? Int32Array.from([...prompt, ...new Array<number>(genLength).fill(ids.maskId)]) : frames[step - 1]!.canvas

  /** The row the sampler predicted `position` from at a step: the double's logits, guided with cfgScale > 0. */
  const rowAt = (logitsOf: PositionLogits, canvas: Int32Array, position: number, cfgScale: number) => {
    if (cfgScale === 0) return logitsOf(canvas, position)
    const unconditional = Int32Array.from(canvas, (id, i) => (i === 0 || i >= prompt.length ? id : ids.maskId))
    return classifierFreeGuidance(logitsOf(canvas, position), logitsOf(unconditional, position), cfgScale)
  }

  const generate = (p: DiffusionParams, options: Parameters<typeof testDoubleDenoiser>[2] = {}) => {
    const double = testDoubleDenoiser(TEST_VOCAB, hashedLogits(TEST_VOCAB), options)
    return { ...runGeneration(diffusionGenerate(prompt, p, ids), double.layer), double }
  }

  /** Checks every token's score against the log-softmax (mask excluded) of the row it was committed from. */
  const expectCommitScores = (frames: ReadonlyArray<Frame>, result: GenerationResult, p: DiffusionParams) => {
    expect(result.logprobs).toHaveLength(result.tokens.length)
    result.tokens.forEach((token, i) => {
      const position = prompt.length + i
      const step = frames.findIndex((frame) => frame.committed.includes(position))
      const row = rowAt(hashedLogits(TEST_VOCAB), canvasBefore(frames, step, p.genLength), position, p.cfgScale)
      const expected = logSoftmaxWithout(row, [ids.maskId])
      const scored = result.logprobs![i]!
      expect(scored.token).toBe(token)
      expect(scored.logprob).toBeCloseTo(expected[token]!, 9)
      closeTo(scored.top, expectedTop(expected, p.logprobs ?? 0, [ids.maskId]))
    })
  }

  const configArb = fc.record({
    blockLength: fc.integer({ min: 1, max: 4 }),
    blocks: fc.integer({ min: 1, max: 3 }),
    remasking: fc.constantFrom("low_confidence", "random", "margin", "entropy"),
    temperature: fc.constantFrom(0, 0.8),
    cfgScale: fc.constantFrom(0, 1.5),
    cache: fc.constantFrom("none", "prefix", "dual"),
    logprobs: fc.integer({ min: 0, max: MAX_LOGPROBS }),
    seed: fc.integer({ min: 0, max: MAX_SEED }),
  }).map((c) => diffusionParams({ ...c, genLength: c.blockLength * c.blocks, steps: c.blockLength * c.blocks, blockLength: c.blockLength }))

  it("scores each committed token by the log-softmax of the (guided) logits at its commit step", () => {
    fc.assert(
      fc.property(configArb, (p) => {
        const { frames, result } = generate(p)
        expectCommitScores(frames, result, p)
      }),
      { numRuns: 60 },
    )
  })

  it("without logprobs: no scores, and the same frames, tokens and calls as with them", () => {
    fc.assert(
      fc.property(configArb, (p) => {
        const { logprobs: _count, ...unscored } = p
        const plain = generate(unscored as DiffusionParams)
        const scored = generate(p)
        expect(plain.result).not.toHaveProperty("logprobs")
        const { logprobs: _scores, ...rest } = scored.result
        expect(rest).toEqual(plain.result)
        expect(scored.frames).toEqual(plain.frames)
        expect(scored.double.calls.length + scored.double.cachedCalls.length).toBe(plain.double.calls.length + plain.double.cachedCalls.length)
      }),
      { numRuns: 40 },
    )
  })

  it("asks a cached denoiser for full logits instead of the fused head's summary when scoring", () => {
    const head = { confidenceHead: { excluded: ids.maskId } }
    const greedy = diffusionParams({ genLength: 8, steps: 8, blockLength: 4, cache: "dual" })
    expect(generate(greedy, head).double.cachedCalls.every((call) => call.wants === "confidence")).toBe(true)
    const scored = generate({ ...greedy, logprobs: 2 }, head)
    expect(scored.double.cachedCalls.every((call) => call.wants === "logits")).toBe(true)
    expectCommitScores(scored.frames, scored.result, { ...greedy, logprobs: 2 })
  })

  it("fails with ModelError when a cached denoiser answers a logits request with a confidence summary", () => {
    const confidenceOnly: Parameters<typeof testDoubleDenoiser>[2] = { confidenceHead: { excluded: ids.maskId } }
    const double = testDoubleDenoiser(TEST_VOCAB, hashedLogits(TEST_VOCAB), confidenceOnly)
    const lying = Layer.effect(Denoiser, Effect.gen(function*() {
      const honest = yield* Denoiser
      const cached = honest.cached!
      return Denoiser.of({
        denoise: honest.denoise,
        cached: {
          fill: (request) => cached.fill({ ...request, wants: "confidence" }),
          refine: (request, cache) => cached.refine({ ...request, wants: "confidence" }, cache),
        },
      })
    })).pipe(Layer.provide(double.layer))
    const p = diffusionParams({ genLength: 4, steps: 4, cache: "prefix", logprobs: 1 })
    expect(generationError(diffusionGenerate(prompt, p, ids), lying)).toMatchObject({
      _tag: "ModelError",
      message: "asked for logits, got a confidence summary",
    })
  })

  it("stops the scores with the tokens at the end-of-text token", () => {
    // TEST DOUBLE: every position proposes end-of-text, except the first generated one.
    const eosLater: PositionLogits = (_canvas, position) =>
      Float32Array.from({ length: TEST_VOCAB }, (_, v) => (v === (position === prompt.length ? 4 : ids.eosId) ? 3 : 0))
    const p = diffusionParams({ genLength: 4, steps: 4, stopAtEos: true, logprobs: 1 })
    const { result } = runGeneration(diffusionGenerate(prompt, p, ids), testDoubleDenoiser(TEST_VOCAB, eosLater).layer)
    expect(result.finishReason).toBe("eos")
    expect(result.tokens).toEqual([4])
    expect(result.logprobs!.map((scored) => scored.token)).toEqual([4])
  })
})
