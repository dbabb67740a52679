import { Deferred, Effect, Exit, Fiber, Layer, Stream } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  collectResult,
  decodeParams,
  Denoiser,
  diffusionGenerate,
  DiffusionParams,
  type Frame,
  MAX_SEED,
  numTransferTokens,
  type TokenIds,
} from "../src/index.js"
import { argmax } from "../src/sampling/argmax.js"
import { brokenDenoiser, hashedLogits, peak, testDoubleDenoiser } from "./support/testDoubleDenoiser.js"
import { diffusionParams, TEST_VOCAB, testTokenIds } from "./support/diffusionParams.js"
import { generationError, runGeneration } from "./support/runStream.js"

const VOCAB = TEST_VOCAB
const ids = testTokenIds
const promptOf = (length: number) => Int32Array.from({ length }, (_, i) => i % 10)
const params = diffusionParams
const generate = (prompt: Int32Array, p: DiffusionParams, positionLogits = hashedLogits(VOCAB)) => {
  const double = testDoubleDenoiser(VOCAB, positionLogits)
  return { ...runGeneration(diffusionGenerate(prompt, p, ids), double.layer), calls: double.calls }
}
const committedOrder = (frames: ReadonlyArray<Frame>) => frames.map((f) => f.committed)

/** A context-free test denoiser: position i always proposes `tokens[i]` with logit `heights[i]`. */
const contextFree = (tokens: ReadonlyArray<number>, heights: ReadonlyArray<number>) => (_canvas: Int32Array, position: number) =>
  peak(VOCAB, tokens[position] ?? 0, heights[position] ?? 0)

const configArb = fc.record({
  promptLength: fc.integer({ min: 1, max: 4 }),
  blockLength: fc.integer({ min: 1, max: 6 }),
  blocks: fc.integer({ min: 1, max: 3 }),
  remasking: fc.constantFrom("low_confidence", "random", "margin", "entropy"),
  temperature: fc.constantFrom(0, 0.7, 1.5),
  cfgScale: fc.constantFrom(0, 1.5),
  seed: fc.integer({ min: 0, max: MAX_SEED }),
}).chain((c) => fc.integer({ min: 1, max: c.blockLength }).map((stepsPerBlock) => ({ ...c, stepsPerBlock })))

describe("diffusionGenerate invariants (property)", () => {
  it("commits the scheduled count each step, left to right by block, never changes a commit, ends unmasked", () => {
    fc.assert(
      fc.property(configArb, (c) => {
        const genLength = c.blockLength * c.blocks
        const steps = c.stepsPerBlock * c.blocks
        const prompt = promptOf(c.promptLength)
        const { frames, result, calls } = generate(
          prompt,
          params({ ...c, genLength, steps, blockLength: c.blockLength }),
        )
        const schedule = numTransferTokens(c.blockLength, c.stepsPerBlock)
        const expectedCounts = Array.from({ length: steps }, (_, k) => schedule[k % c.stepsPerBlock])
        expect(frames.map((f) => f.committed.length)).toEqual(expectedCounts)
        expect(result.committedPerStep).toEqual(expectedCounts)
        expect(result).toMatchObject({ steps, nfe: steps, finishReason: "length" })
        expect(calls).toHaveLength(steps)

        let previous: Int32Array = Int32Array.from([...prompt, ...new Array<number>(genLength).fill(ids.maskId)])
        frames.forEach((frame, k) => {
          const block = Math.floor(k / c.stepsPerBlock)
          const blockStart = c.promptLength + block * c.blockLength
          expect(frame).toMatchObject({ step: k, block, nfe: k + 1 })
          expect(calls[k]?.ids.subarray(0, previous.length)).toEqual(previous)
          const changed = Array.from(frame.canvas.keys()).filter((i) => frame.canvas[i] !== previous[i])
          expect(changed).toEqual(frame.committed)
          changed.forEach((i) => {
            expect(previous[i]).toBe(ids.maskId)
            expect(i).toBeGreaterThanOrEqual(blockStart)
            expect(i).toBeLessThan(blockStart + c.blockLength)
          })
          expect(Array.from(frame.canvas.subarray(blockStart + c.blockLength)).every((id) => id === ids.maskId)).toBe(true)
          previous = frame.canvas
        })
        expect(previous.includes(ids.maskId)).toBe(false)
        expect(Array.from(previous.subarray(0, c.promptLength))).toEqual(Array.from(prompt))
        expect(result.tokens).toEqual(Array.from(previous.subarray(c.promptLength)))
      }),
      { numRuns: 60 },
    )
  })

  it("threshold ≥ 1 is exactly one token per step, even when confidences equal 1.0", () => {
    // Every third position gets a logit of 1000: its softmax probability is exactly 1 in float64.
    const saturating = (canvas: Int32Array, position: number) => {
      const logits = hashedLogits(VOCAB)(canvas, position)
      return position % 3 === 0 ? peak(VOCAB, Number(logits[0] ?? 0) > 0 ? 1 : 2, 1000) : logits
    }
    fc.assert(
      fc.property(configArb, (c) => {
        const genLength = c.blockLength * c.blocks
        const common = { ...c, genLength, blockLength: c.blockLength }
        const prompt = promptOf(c.promptLength)
        const withThreshold = generate(prompt, params({ ...common, steps: c.blocks, threshold: 1 }), saturating)
        const onePerStep = generate(prompt, params({ ...common, steps: genLength }), saturating)
        expect(withThreshold.frames.every((f) => f.committed.length === 1)).toBe(true)
        expect(withThreshold.frames).toEqual(onePerStep.frames)
        expect(withThreshold.result).toEqual(onePerStep.result)
      }),
      { numRuns: 40 },
    )
  })

  it("random and low_confidence differ only in order when the argmax ignores context", () => {
    const tokens = Array.from({ length: 16 }, (_, i) => (i * 7) % 10)
    const heights = Array.from({ length: 16 }, (_, i) => 0.5 + ((i * 5) % 7) * 0.3)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SEED }), fc.constantFrom([1, 12], [2, 6], [4, 6], [8, 3], [12, 4]), (seed, [steps = 1, blockLength = 12]) => {
        const p = { genLength: 12, steps, seed, blockLength }
        const confident = generate(promptOf(2), params({ ...p, remasking: "low_confidence" }), contextFree(tokens, heights))
        const random = generate(promptOf(2), params({ ...p, remasking: "random" }), contextFree(tokens, heights))
        expect(random.result.tokens).toEqual(confident.result.tokens)
        expect(random.result.tokens).toEqual(tokens.slice(2, 14))
      }),
      { numRuns: 30 },
    )
    const order = (remasking: DiffusionParams["remasking"]) =>
      committedOrder(generate(promptOf(2), params({ genLength: 12, steps: 12, remasking }), contextFree(tokens, heights)).frames)
    expect(order("random")).not.toEqual(order("low_confidence"))
  })
})

describe("diffusionGenerate golden", () => {
  // Test denoiser over V = 8 (mask 7, eos 6): a masked position i proposes token 1 + i % 5 with
  // logit base[i] + 1.5 × (number of committed neighbours i ± 1). Prompt = [BOS] at position 0.
  const GOLDEN_VOCAB = 8
  const goldenIds: TokenIds = { maskId: 7, eosId: 6, vocabSize: GOLDEN_VOCAB }
  const base = [0, 0, 0.2, 2.5, 0.1, 1, 0]
  const goldenDenoiser = testDoubleDenoiser(GOLDEN_VOCAB, (canvas, position) => {
    const committed = (i: number) => i >= 0 && i < canvas.length && canvas[i] !== goldenIds.maskId ? 1 : 0
    const height = (base[position] ?? 0) + 1.5 * (committed(position - 1) + committed(position + 1))
    const logits = new Float32Array(GOLDEN_VOCAB)
    logits[1 + (position % 5)] = height
    return logits
  })
  const golden = (p: DiffusionParams) =>
    runGeneration(diffusionGenerate(Int32Array.of(0), p, goldenIds), goldenDenoiser.layer)

  it("one block, one token per step: 3, then its neighbours 2 and 1, then 4, 5, 6", () => {
    // Heights before step 0: p1 = 1.5 (BOS neighbour), p2 = 0.2, p3 = 2.5, p4 = 0.1, p5 = 1, p6 = 0 → 3.
    // Then p2 = 1.7 beats p4 = 1.6 and p1 = 1.5 → 2; p1 = 3.0 → 1; p4 = 1.6 → 4; p5 = 2.5 → 5; 6.
    const { frames, result } = golden(params({ genLength: 6, steps: 6 }))
    expect(committedOrder(frames)).toEqual([[3], [2], [1], [4], [5], [6]])
    expect(result.tokens).toEqual([2, 3, 4, 5, 1, 2])
  })

  it("two blocks of 3, schedule [2, 1] per block", () => {
    // Block 0 (p1..p3): top-2 of {1.5, 0.2, 2.5} → 1, 3; then 2. Block 1: p4 = 1.6, p5 = 1, p6 = 0 → 4, 5; then 6.
    const { frames } = golden(params({ genLength: 6, steps: 4, blockLength: 3 }))
    expect(committedOrder(frames)).toEqual([[1, 3], [2], [4, 5], [6]])
    expect(frames.map((f) => f.block)).toEqual([0, 0, 1, 1])
  })
})

describe("diffusionGenerate options", () => {
  it("threshold commits the top-1 plus every confident masked position of the current block only", () => {
    // Positions 2, 4, 5, 8 are certain (logit 1000, probability 1); the others have probability ≈ 0.14.
    const heights = [0, 0.5, 1000, 0.5, 1000, 1000, 0.5, 0.5, 1000]
    const tokens = [0, 1, 2, 3, 4, 5, 6, 7, 8]
    const { frames, result } = generate(
      promptOf(1),
      params({ genLength: 8, steps: 2, blockLength: 4, threshold: 0.9 }),
      contextFree(tokens, heights),
    )
    expect(committedOrder(frames)).toEqual([[2, 4], [1], [3], [5, 8], [6], [7]])
    expect(frames.map((f) => f.block)).toEqual([0, 0, 0, 1, 1, 1])
    expect(result).toMatchObject({ steps: 6, nfe: 6, committedPerStep: [2, 1, 1, 2, 1, 1], tokens: tokens.slice(1) })
  })

  it("classifier-free guidance runs [cond; uncond] in one call and picks argmax of un + (s + 1)(cond − un)", () => {
    const prompt = Int32Array.of(0, 2, 5)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SEED }), fc.constantFrom(0.5, 1, 3), (seed, cfgScale) => {
        const logitsOf = hashedLogits(VOCAB)
        const { frames, calls } = generate(prompt, params({ genLength: 6, steps: 3, cfgScale, seed }), logitsOf)
        frames.forEach((frame, k) => {
          const call = calls[k]!
          expect(call.batch).toBe(2)
          const cond = call.ids.subarray(0, call.length)
          const uncond = call.ids.subarray(call.length)
          expect(uncond[0]).toBe(prompt[0])
          expect(Array.from(uncond.subarray(1, 3))).toEqual([ids.maskId, ids.maskId])
          expect(Array.from(uncond.subarray(3))).toEqual(Array.from(cond.subarray(3)))
          for (const position of frame.committed) {
            const c = logitsOf(cond, position)
            const u = logitsOf(uncond, position)
            const guided = Array.from(c, (cv, v) => v === ids.maskId ? -Infinity : (u[v] ?? 0) + (cfgScale + 1) * (cv - (u[v] ?? 0)))
            expect(frame.canvas[position]).toBe(argmax(guided))
          }
        })
      }),
      { numRuns: 20 },
    )
  })

  it("guidance changes the choice where the formula says so", () => {
    // cond = [1, 0.8, 0, …], uncond (prompt masked) = [1, 0, 0, …]: argmax cond = 0, guided with s = 1 → [1, 1.6] → 1.
    const logitsOf = (canvas: Int32Array) => Float32Array.from({ length: VOCAB }, (_, v) => v === 0 ? 1 : v === 1 && canvas[1] !== ids.maskId ? 0.8 : 0)
    const plain = generate(Int32Array.of(0, 3), params({ genLength: 4, steps: 2 }), logitsOf)
    const guided = generate(Int32Array.of(0, 3), params({ genLength: 4, steps: 2, cfgScale: 1 }), logitsOf)
    expect(plain.result.tokens).toEqual([0, 0, 0, 0])
    expect(guided.result.tokens).toEqual([1, 1, 1, 1])
    expect(plain.calls.every((c) => c.batch === 1)).toBe(true)
  })

  it("stopAtEos ends once an end-of-text token is committed and everything before it is filled", () => {
    // p2 proposes EOS most confidently: step 0 commits it, p1 is still masked; step 1 fills p1 and stops.
    const tokens = [0, 4, ids.eosId, 1, 1, 1, 1]
    const heights = [0, 3, 5, 1, 1, 1, 1]
    const stopped = generate(promptOf(1), params({ genLength: 6, steps: 6, stopAtEos: true }), contextFree(tokens, heights))
    expect(stopped.result).toEqual({ tokens: [4], nfe: 2, steps: 2, committedPerStep: [1, 1], finishReason: "eos" })
    expect(stopped.calls).toHaveLength(2)
    const full = generate(promptOf(1), params({ genLength: 6, steps: 6 }), contextFree(tokens, heights))
    expect(full.result).toMatchObject({ tokens: tokens.slice(1), steps: 6, finishReason: "length" })
  })

  it("never commits the mask token, even when the model prefers it", () => {
    const { result } = generate(promptOf(1), params({ genLength: 4, steps: 4 }), () => peak(VOCAB, ids.maskId, 50))
    expect(result.tokens).toEqual([0, 0, 0, 0])
  })

  it("margin and entropy rank by their own confidence", () => {
    // Rows over the 11 choosable tokens (the mask is excluded); -50 is "impossible".
    const rowOf = (head: ReadonlyArray<number>, rest: number) =>
      Float32Array.from({ length: VOCAB }, (_, v) => head[v] ?? rest)
    const first = (rows: Record<number, Float32Array>, remasking: DiffusionParams["remasking"]) =>
      generate(promptOf(1), params({ genLength: 2, steps: 2, remasking }), (_c, position) => rows[position] ?? new Float32Array(VOCAB))
        .frames[0]?.committed
    // p1: probabilities ≈ 0.525 / 0.475 (margin 0.05); p2: 0.45 then ten of 0.055 (margin ≈ 0.4).
    const marginCase = { 1: rowOf([3, 2.9], -50), 2: rowOf([Math.log(4.5 / 0.55)], 0) }
    expect(first(marginCase, "low_confidence")).toEqual([1])
    expect(first(marginCase, "margin")).toEqual([2])
    // p1: 0.5 then ten of 0.05 (entropy ≈ 1.84); p2: 0.45 / 0.45 / 0.1 (entropy ≈ 0.95).
    const entropyCase = { 1: rowOf([Math.log(10)], 0), 2: rowOf([Math.log(4.5), Math.log(4.5), 0], -50) }
    expect(first(entropyCase, "low_confidence")).toEqual([1])
    expect(first(entropyCase, "entropy")).toEqual([2])
  })

  it("same seed → identical frames; another seed → different samples", () => {
    const p = params({ genLength: 8, steps: 4, blockLength: 4, remasking: "random", temperature: 1, seed: 1234 })
    const a = generate(promptOf(3), p)
    expect(generate(promptOf(3), p).frames).toEqual(a.frames)
    expect(generate(promptOf(3), { ...p, seed: 4321 }).frames).not.toEqual(a.frames)
  })
})

describe("diffusionGenerate with a block KV cache", () => {
  const generateWith = (prompt: Int32Array, p: DiffusionParams, options: Parameters<typeof testDoubleDenoiser>[2] = {}) => {
    const double = testDoubleDenoiser(VOCAB, hashedLogits(VOCAB), options)
    return { ...runGeneration(diffusionGenerate(prompt, p, ids), double.layer), double }
  }

  it("with an exact cache, prefix and dual equal the plain sampler bit for bit (any options)", () => {
    fc.assert(
      fc.property(configArb, fc.constantFrom("prefix", "dual") as fc.Arbitrary<"prefix" | "dual">, (c, cache) => {
        const genLength = c.blockLength * c.blocks
        const p = params({ ...c, genLength, steps: c.stepsPerBlock * c.blocks, blockLength: c.blockLength })
        const prompt = promptOf(c.promptLength)
        const plain = generateWith(prompt, p)
        const cached = generateWith(prompt, { ...p, cache })
        expect(cached.frames).toEqual(plain.frames)
        expect(cached.result).toEqual(plain.result)
        expect(cached.double.calls).toHaveLength(0)
        expect(plain.double.cachedCalls).toHaveLength(0)
      }),
      { numRuns: 60 },
    )
  })

  it("fills at each block start, refines otherwise, over the block (dual) or block + suffix (prefix)", () => {
    const p = params({ genLength: 6, steps: 6, blockLength: 3, cache: "dual" })
    const dual = generateWith(promptOf(2), p).double.cachedCalls
    expect(dual.map((call) => call.kind)).toEqual(["fill", "refine", "refine", "fill", "refine", "refine"])
    expect(dual.map((call) => [call.window.start, call.window.end])).toEqual([[2, 5], [2, 5], [2, 5], [5, 8], [5, 8], [5, 8]])
    const prefix = generateWith(promptOf(2), { ...p, cache: "prefix" }).double.cachedCalls
    expect(prefix.map((call) => [call.window.start, call.window.end])).toEqual([[2, 8], [2, 8], [2, 8], [5, 8], [5, 8], [5, 8]])
  })

  it("asks for the confidence summary only when greedy without guidance, and decodes it as the logits", () => {
    const head = { confidenceHead: { excluded: ids.maskId } }
    const greedy = params({ genLength: 8, steps: 4, blockLength: 4, cache: "dual", threshold: 0.3 })
    const withHead = generateWith(promptOf(2), greedy, head)
    expect(withHead.double.cachedCalls.every((call) => call.wants === "confidence")).toBe(true)
    expect(withHead.frames).toEqual(generateWith(promptOf(2), { ...greedy, cache: "none" }).frames)
    for (const remasking of ["margin", "entropy"] as const) {
      const ranked = { ...greedy, remasking, threshold: undefined, steps: 8 }
      const { threshold: _unused, ...withoutThreshold } = ranked
      expect(generateWith(promptOf(2), withoutThreshold, head).result).toEqual(
        generateWith(promptOf(2), { ...withoutThreshold, cache: "none" }).result,
      )
    }
    const sampled = generateWith(promptOf(2), { ...greedy, temperature: 0.5 }, head)
    expect(sampled.double.cachedCalls.every((call) => call.wants === "logits")).toBe(true)
    const guided = generateWith(promptOf(2), { ...greedy, cfgScale: 1 }, head)
    expect(guided.double.cachedCalls.every((call) => call.wants === "logits")).toBe(true)
  })

  it("factor decoding commits at least one per step and fills every block", () => {
    const { frames, result } = generateWith(promptOf(2), params({ genLength: 8, steps: 2, blockLength: 4, factor: 2, cache: "dual" }))
    expect(frames.every((f) => f.committed.length >= 1)).toBe(true)
    expect(result.tokens).toHaveLength(8)
    expect(result.tokens.includes(ids.maskId)).toBe(false)
  })

  it("fails with ModelError when a cached call fails or has the wrong shape", () => {
    const p = params({ genLength: 8, steps: 4, cache: "dual" })
    expect(generationError(diffusionGenerate(promptOf(2), p, ids), brokenDenoiser("fails"))).toMatchObject({ _tag: "ModelError" })
    expect(generationError(diffusionGenerate(promptOf(2), p, ids), brokenDenoiser("wrongShape")).message).toMatch(
      /expected logits \[1, 8, 12\]/,
    )
  })
})

describe("diffusionGenerate failures and interruption", () => {
  const valid = params({ genLength: 8, steps: 4 })

  it("takes only decoded parameters: bad ones fail at decoding, naming the field", () => {
    const raw = { genLength: 8, steps: 4, remasking: "low_confidence" }
    const cases: Array<[object, string]> = [
      [{ ...raw, blockLength: 3 }, "blockLength"],
      [{ ...raw, steps: 3, blockLength: 4 }, "steps"],
      [{ ...raw, steps: 9 }, "steps"],
      [{ ...raw, temperature: Number.NaN }, "temperature"],
      [{ ...raw, cfgScale: Number.POSITIVE_INFINITY }, "cfgScale"],
    ]
    for (const [input, field] of cases) {
      expect(Effect.runSync(Effect.flip(decodeParams(DiffusionParams)(input)))).toMatchObject({ _tag: "InvalidParams", field })
    }
  })

  it("rejects an invalid prompt with InvalidParams before any model call", () => {
    const cases: Array<[Int32Array, string]> = [
      [new Int32Array(0), "promptIds"],
      [Int32Array.of(0, ids.maskId), "promptIds"],
      [Int32Array.of(0, VOCAB), "promptIds"],
    ]
    for (const [prompt, field] of cases) {
      const double = testDoubleDenoiser(VOCAB, hashedLogits(VOCAB))
      const error = generationError(diffusionGenerate(prompt, valid, ids), double.layer)
      expect(error).toMatchObject({ _tag: "InvalidParams", field })
      expect(double.calls).toHaveLength(0)
    }
  })

  it("fails with ModelError when the model fails or returns the wrong shape", () => {
    expect(generationError(diffusionGenerate(promptOf(2), valid, ids), brokenDenoiser("fails"))).toMatchObject({
      _tag: "ModelError",
      message: "session closed",
    })
    const wrongShape = generationError(diffusionGenerate(promptOf(2), valid, ids), brokenDenoiser("wrongShape"))
    expect(wrongShape).toMatchObject({ _tag: "ModelError" })
    expect(wrongShape.message).toMatch(/expected logits \[1, 10, 12\]/)
  })

  it("a cached sampler on a denoiser without the cached capability fails with ModelError before any model call", () => {
    const double = testDoubleDenoiser(VOCAB, hashedLogits(VOCAB))
    const plainOnly = Layer.effect(Denoiser, Denoiser.use(({ denoise }) => Effect.succeed(Denoiser.of({ denoise })))).pipe(Layer.provide(double.layer))
    for (const cache of ["prefix", "dual"] as const) {
      const error = generationError(diffusionGenerate(promptOf(2), { ...valid, cache }, ids), plainOnly)
      expect(error).toMatchObject({ _tag: "ModelError", message: `cache "${cache}" needs a denoiser with a block KV cache` })
    }
    expect(double.calls).toHaveLength(0)
  })

  it("taking k frames makes exactly k model calls", () => {
    for (const k of [0, 1, 3]) {
      const double = testDoubleDenoiser(VOCAB, hashedLogits(VOCAB))
      const taken = Effect.runSync(
        Stream.runCollect(diffusionGenerate(promptOf(2), valid, ids).pipe(Stream.take(k))).pipe(Effect.provide(double.layer)),
      )
      expect(taken).toHaveLength(k)
      expect(double.calls).toHaveLength(k)
    }
  })

  it("interrupting the consuming fiber after k frames stops before the next model call", async () => {
    const k = 2
    const double = testDoubleDenoiser(VOCAB, hashedLogits(VOCAB))
    const exit = await Effect.runPromise(Effect.gen(function*() {
      const reached = yield* Deferred.make<void>()
      const fiber = yield* diffusionGenerate(promptOf(2), valid, ids).pipe(
        Stream.runForEach((event) =>
          event._tag === "Frame" && event.frame.step === k - 1
            ? Deferred.succeed(reached, undefined).pipe(Effect.andThen(Effect.never))
            : Effect.void
        ),
        Effect.provide(double.layer),
        Effect.forkChild,
      )
      yield* Deferred.await(reached)
      yield* Fiber.interrupt(fiber)
      return yield* Fiber.await(fiber)
    }))
    expect(Exit.hasInterrupts(exit)).toBe(true)
    expect(double.calls).toHaveLength(k)
  })

  it("collectResult drains to the Done result, and dies on a stream cut short", () => {
    const double = testDoubleDenoiser(VOCAB, hashedLogits(VOCAB))
    const stream = diffusionGenerate(promptOf(2), valid, ids)
    const result = Effect.runSync(collectResult(stream).pipe(Effect.provide(double.layer)))
    expect(result).toEqual(runGeneration(stream, double.layer).result)
    const cut = Effect.runSyncExit(collectResult(stream.pipe(Stream.take(1))).pipe(Effect.provide(double.layer)))
    expect(Exit.isFailure(cut) && String(cut.cause)).toMatch(/without a Done event/)
  })
})
