import { Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  ArParams,
  arGenerate,
  DiffusionParams,
  diffusionGenerate,
  makeRng,
  MAX_SEED,
  type TokenIds,
} from "../src/index.js"
import { predictFromConfidence, predictPosition } from "../src/sampling/predictPosition.js"
import { sampleNextToken } from "../src/sampling/sampleNextToken.js"
import { runGeneration } from "./support/runStream.js"
import { testDoubleCausalLM } from "./support/testDoubleCausalLM.js"
import { testDoubleDenoiser } from "./support/testDoubleDenoiser.js"

/** Temperatures that must be greedy: below 1e-5, down to subnormals (1e-320 made logits / T infinite). */
const vanishingTemperature = fc.oneof(
  fc.constantFrom(0, 1e-320, Number.MIN_VALUE, 1e-300, 1e-200, 1e-9),
  fc.double({ min: 0, max: 1e-5, maxExcluded: true, noNaN: true }),
)
const anyTemperature = fc.oneof(vanishingTemperature, fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(1e-5, 0.7, 1, 10))
/** float32 logits, ±∞ and NaN included: what a broken model could send. */
const anyLogits = (vocab: number) => fc.array(fc.float(), { minLength: vocab, maxLength: vocab }).map((values) => Float32Array.from(values))
const finiteLogits = (vocab: number) =>
  fc.array(fc.float({ min: -30, max: 30, noNaN: true }), { minLength: vocab, maxLength: vocab }).map((values) => Float32Array.from(values))
/** A flag per id, 1 = forbidden; never all of them. */
const forbiddenFlags = (vocab: number) =>
  fc.array(fc.boolean(), { minLength: vocab, maxLength: vocab })
    .filter((flags) => flags.includes(false))
    .map((flags) => Uint8Array.from(flags, Number))
const remasking = fc.constantFrom("low_confidence", "random", "margin", "entropy") as fc.Arbitrary<DiffusionParams["remasking"]>
const vocabCase = fc.integer({ min: 3, max: 24 }).chain((vocab) => fc.record({ vocab: fc.constant(vocab), logits: anyLogits(vocab), forbidden: forbiddenFlags(vocab) }))

describe("sampleNextToken (AR), property", () => {
  it("never returns a forbidden token, at any temperature, with top-k and top-p", () => {
    fc.assert(
      fc.property(
        vocabCase, anyTemperature, fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
        fc.option(fc.double({ min: 1e-6, max: 1, noNaN: true }), { nil: undefined }), fc.integer({ min: 0, max: MAX_SEED }),
        ({ vocab, logits, forbidden }, temperature, topK, topP, seed) => {
          const options = { temperature, ...(topK === undefined ? {} : { topK }), ...(topP === undefined ? {} : { topP }) }
          const token = sampleNextToken(logits, options, makeRng(seed), forbidden)
          expect(token).toBeGreaterThanOrEqual(0)
          expect(token).toBeLessThan(vocab)
          expect(forbidden[token]).toBe(0)
        },
      ),
      { numRuns: 400 },
    )
  })

  it("a vanishing temperature is greedy: the temperature-0 token, and no random draw", () => {
    fc.assert(
      fc.property(vocabCase, vanishingTemperature, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: MAX_SEED }), ({ logits, forbidden }, temperature, topK, seed) => {
        const rng = makeRng(seed)
        expect(sampleNextToken(logits, { temperature, topK, topP: 0.5 }, rng, forbidden)).toBe(sampleNextToken(logits, { temperature: 0 }, makeRng(seed), forbidden))
        expect(rng.nextUint32()).toBe(makeRng(seed).nextUint32())
      }),
      { numRuns: 300 },
    )
  })
})

describe("predictPosition (diffusion), property", () => {
  it("never proposes a forbidden token, at any temperature and remasking", () => {
    fc.assert(
      fc.property(vocabCase, anyTemperature, remasking, fc.integer({ min: 0, max: MAX_SEED }), ({ vocab, logits, forbidden }, temperature, strategy, seed) => {
        const { token } = predictPosition(logits, forbidden, strategy, temperature, makeRng(seed))
        expect(token).toBeGreaterThanOrEqual(0)
        expect(token).toBeLessThan(vocab)
        expect(forbidden[token]).toBe(0)
      }),
      { numRuns: 400 },
    )
  })

  it("a vanishing temperature is greedy: the temperature-0 token and score, the same draws", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 24 }).chain((vocab) => fc.tuple(finiteLogits(vocab), forbiddenFlags(vocab))),
        vanishingTemperature, remasking, fc.integer({ min: 0, max: MAX_SEED }),
        ([logits, forbidden], temperature, strategy, seed) => {
          const rng = makeRng(seed)
          const greedyRng = makeRng(seed)
          expect(predictPosition(logits, forbidden, strategy, temperature, rng)).toEqual(predictPosition(logits, forbidden, strategy, 0, greedyRng))
          expect(rng.nextUint32()).toBe(greedyRng.nextUint32())
        },
      ),
      { numRuns: 300 },
    )
  })

  it("a fused head whose favourite is forbidden proposes its second token, else the fallback", () => {
    const head = (first: number, second: number) => ({
      topTokens: Int32Array.of(first, second), topProbabilities: Float32Array.of(0.9, 0.05), entropy: Float32Array.of(0.4), batch: 1, length: 1,
    })
    const restriction = { forbidden: Uint8Array.of(0, 0, 0, 1, 1), fallback: 2 }
    expect(predictFromConfidence(head(4, 1), 0, "low_confidence", makeRng(0), restriction)).toEqual({ token: 1, confidence: -Infinity })
    expect(predictFromConfidence(head(4, 3), 0, "margin", makeRng(0), restriction)).toEqual({ token: 2, confidence: -Infinity })
    expect(predictFromConfidence(head(4, 1), 0, "random", makeRng(5), restriction)).toEqual({ token: 1, confidence: makeRng(5).next() })
    expect(predictFromConfidence(head(1, 4), 0, "low_confidence", makeRng(0), restriction)).toEqual({ token: 1, confidence: expect.closeTo(0.9, 6) })
  })
})

// Test doubles over V = 12: end-of-text 9, pad 10, mask 11.
const VOCAB = 12
const ids: TokenIds = { eosId: 9, padId: 10, maskId: 11, vocabSize: VOCAB }
/** Logits that favour the pad and mask tokens above every real one, with context-dependent noise. */
const favouringControlTokens = (salt: number) => (sequence: ArrayLike<number>, position = 0): Float32Array => {
  let h = (0x811c9dc5 ^ salt ^ position) >>> 0
  for (let i = 0; i < sequence.length; i++) h = Math.imul(h ^ sequence[i]!, 0x01000193) >>> 0
  return Float32Array.from({ length: VOCAB }, (_, v) => {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0
    return v === ids.padId || v === ids.maskId ? 40 : (h / 2 ** 32) * 6 - 3
  })
}

describe("the samplers never emit the mask or the pad token (test-double models that prefer them)", () => {
  it("arGenerate, at any temperature, with top-k / top-p; a vanishing temperature equals greedy", () => {
    fc.assert(
      fc.property(anyTemperature, vanishingTemperature, fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: MAX_SEED }), fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), (temperature, tiny, salt, seed, topK) => {
        const lm = () => testDoubleCausalLM(VOCAB, favouringControlTokens(salt)).layer
        const params = (t: number): ArParams =>
          Schema.decodeUnknownSync(ArParams)({ maxTokens: 8, temperature: t, stopAtEos: false, seed, ...(topK === undefined ? {} : { topK }) })
        const sampled = runGeneration(arGenerate(Int32Array.of(0, 1), params(temperature), ids), lm()).result.tokens
        expect(sampled.filter((token) => token === ids.padId || token === ids.maskId)).toEqual([])
        const greedy = runGeneration(arGenerate(Int32Array.of(0, 1), params(0), ids), lm()).result.tokens
        expect(runGeneration(arGenerate(Int32Array.of(0, 1), params(tiny), ids), lm()).result.tokens).toEqual(greedy)
      }),
      { numRuns: 80 },
    )
  })

  it("diffusionGenerate, every cache mode and remasking, the fused head included; a vanishing temperature equals greedy", () => {
    fc.assert(
      fc.property(
        anyTemperature, vanishingTemperature, remasking, fc.constantFrom("none", "prefix", "dual") as fc.Arbitrary<DiffusionParams["cache"]>,
        fc.constantFrom(0, 1.5), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: MAX_SEED }),
        (temperature, tiny, strategy, cache, cfgScale, salt, seed) => {
          const denoiser = () => testDoubleDenoiser(VOCAB, favouringControlTokens(salt), { confidenceHead: { excluded: ids.maskId } }).layer
          const params = (t: number): DiffusionParams => Schema.decodeUnknownSync(DiffusionParams)({
            genLength: 8, steps: 4, blockLength: 4, remasking: strategy, temperature: t, cfgScale, cache, stopAtEos: false, seed,
          })
          const run = (t: number) => runGeneration(diffusionGenerate(Int32Array.of(0, 1), params(t), ids), denoiser())
          const sampled = run(temperature)
          expect(sampled.result.tokens.filter((token) => token === ids.padId || token === ids.maskId)).toEqual([])
          expect(run(tiny)).toEqual(run(0))
        },
      ),
      { numRuns: 80 },
    )
  })
})
