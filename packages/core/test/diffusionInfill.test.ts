import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type CanvasTemplate,
  diffusionGenerate,
  diffusionInfill,
  type DiffusionParams,
  layOutTemplate,
  MAX_SEED,
  numTransferTokens,
  promptTemplate,
  type TokenIds,
} from "../src/index.js"
import { hashedLogits, peak, testDoubleDenoiser } from "./support/testDoubleDenoiser.js"
import { diffusionParams, TEST_VOCAB, testTokenIds } from "./support/diffusionParams.js"
import { generationError, runGeneration } from "./support/runStream.js"

const VOCAB = TEST_VOCAB
const ids = testTokenIds
const params = diffusionParams
const infill = (template: CanvasTemplate, p: DiffusionParams, positionLogits = hashedLogits(VOCAB)) => {
  const double = testDoubleDenoiser(VOCAB, positionLogits)
  return { ...runGeneration(diffusionInfill(template, p, ids), double.layer), double }
}
const layout = (template: CanvasTemplate) => Effect.runSync(layOutTemplate(template, ids))
const fixedSpan = (length: number, offset: number) => ({ fixed: Int32Array.from({ length }, (_, i) => (offset + i) % 10) })

/** A template: a fixed first span (the BOS anchor), then fixed and masked spans in any order, at least one masked. */
const templateArb: fc.Arbitrary<CanvasTemplate> = fc.tuple(
  fc.integer({ min: 1, max: 3 }),
  fc.array(fc.oneof(fc.record({ fixed: fc.integer({ min: 1, max: 3 }) }), fc.record({ masks: fc.integer({ min: 1, max: 5 }) })), {
    minLength: 1,
    maxLength: 5,
  }),
  fc.integer({ min: 1, max: 5 }),
).map(([first, rest, lastGap]) => {
  const spans = rest.some((span) => "masks" in span) ? rest : [...rest, { masks: lastGap }]
  return [fixedSpan(first, 0), ...spans.map((span, i) => ("fixed" in span ? fixedSpan(span.fixed, 3 * i + 1) : span))]
})

const divisors = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0)

/** A template with a valid block structure over its masked positions, and any sampler options. */
const caseArb = templateArb.chain((template) => {
  const genLength = layout(template).maskedPositions.length
  return fc.record({
    template: fc.constant(template),
    genLength: fc.constant(genLength),
    blockLength: fc.constantFrom(...divisors(genLength)),
    remasking: fc.constantFrom("low_confidence", "random", "margin", "entropy") as fc.Arbitrary<DiffusionParams["remasking"]>,
    temperature: fc.constantFrom(0, 0.7, 1.5),
    cfgScale: fc.constantFrom(0, 1.5),
    seed: fc.integer({ min: 0, max: MAX_SEED }),
  }).chain((c) => fc.integer({ min: 1, max: c.blockLength }).map((stepsPerBlock) => ({ ...c, stepsPerBlock })))
})
type Case = typeof caseArb extends fc.Arbitrary<infer C> ? C : never
const paramsOf = ({ template: _template, stepsPerBlock, ...sampler }: Case): DiffusionParams =>
  params({ ...sampler, steps: stepsPerBlock * (sampler.genLength / sampler.blockLength) })

describe("diffusionInfill invariants (property)", () => {
  it("fills only the masked positions, block by block over them in order; fixed and committed positions never change", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { canvas: initial, maskedPositions } = layout(c.template)
        const { frames, result, double } = infill(c.template, paramsOf(c))
        const schedule = numTransferTokens(c.blockLength, c.stepsPerBlock)
        const blocks = c.genLength / c.blockLength
        expect(frames.map((f) => f.committed.length)).toEqual(Array.from({ length: c.stepsPerBlock * blocks }, (_, k) => schedule[k % c.stepsPerBlock]))
        const masked = new Set(maskedPositions)
        let previous = initial
        frames.forEach((frame, k) => {
          const block = Math.floor(k / c.stepsPerBlock)
          const blockPositions = new Set(maskedPositions.subarray(block * c.blockLength, (block + 1) * c.blockLength))
          expect(frame.block).toBe(block)
          expect(double.calls[k]?.ids.subarray(0, previous.length)).toEqual(previous)
          const changed = Array.from(frame.canvas.keys()).filter((i) => frame.canvas[i] !== previous[i])
          expect(changed).toEqual(frame.committed)
          for (const position of changed) {
            expect(previous[position]).toBe(ids.maskId)
            expect(blockPositions.has(position)).toBe(true)
          }
          for (const position of frame.canvas.keys()) {
            if (!masked.has(position)) expect(frame.canvas[position]).toBe(initial[position])
          }
          previous = frame.canvas
        })
        expect(previous.includes(ids.maskId)).toBe(false)
        expect(result.tokens).toEqual(Array.from(maskedPositions, (position) => previous[position]))
      }),
      { numRuns: 80 },
    )
  })

  it("a prompt and one gap is diffusionGenerate, bit for bit (frames, result, model inputs)", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 4 }), fc.constantFrom("none", "prefix", "dual") as fc.Arbitrary<DiffusionParams["cache"]>, (c, promptLength, cache) => {
        const prompt = fixedSpan(promptLength, 2).fixed
        const p = { ...paramsOf(c), cache }
        const plainDouble = testDoubleDenoiser(VOCAB, hashedLogits(VOCAB))
        const plain = runGeneration(diffusionGenerate(prompt, p, ids), plainDouble.layer)
        const templated = infill(promptTemplate(prompt, c.genLength), p)
        expect(templated.frames).toEqual(plain.frames)
        expect(templated.result).toEqual(plain.result)
        expect(templated.double.calls).toEqual(plainDouble.calls)
        expect(templated.double.cachedCalls).toEqual(plainDouble.cachedCalls)
      }),
      { numRuns: 60 },
    )
  })

  it("with an exact cache, prefix and dual equal the plain sampler over any template", () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom("prefix", "dual") as fc.Arbitrary<"prefix" | "dual">, (c, cache) => {
        const p = paramsOf(c)
        const plain = infill(c.template, p)
        const cached = infill(c.template, { ...p, cache })
        expect(cached.frames).toEqual(plain.frames)
        expect(cached.result).toEqual(plain.result)
        expect(cached.double.calls).toHaveLength(0)
      }),
      { numRuns: 60 },
    )
  })

  it("the dual cache's window spans the block's first to last masked position; prefix's runs to the canvas end", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { canvas, maskedPositions } = layout(c.template)
        const p = paramsOf(c)
        const expectedWindow = (block: number, cache: "prefix" | "dual") => {
          const positions = maskedPositions.subarray(block * c.blockLength, (block + 1) * c.blockLength)
          return { start: positions[0], end: cache === "dual" ? positions[positions.length - 1]! + 1 : canvas.length }
        }
        for (const cache of ["prefix", "dual"] as const) {
          const { frames, double } = infill(c.template, { ...p, cache })
          frames.forEach((frame, k) => {
            const call = double.cachedCalls[k]!
            expect(call.window).toEqual(expectedWindow(frame.block, cache))
            expect(call.kind).toBe(k === 0 || frames[k - 1]!.block !== frame.block ? "fill" : "refine")
          })
        }
      }),
      { numRuns: 40 },
    )
  })

  it("threshold and factor commit at least one masked position of the current block per step and fill every gap", () => {
    fc.assert(
      fc.property(caseArb, fc.oneof(fc.record({ threshold: fc.constantFrom(0.05, 0.3, 0.9, 1) }), fc.record({ factor: fc.constantFrom(0.5, 2, 8) })), (c, rule) => {
        const { canvas: initial, maskedPositions } = layout(c.template)
        const { frames, result } = infill(c.template, { ...paramsOf(c), steps: c.genLength / c.blockLength, ...rule })
        frames.forEach((frame) => {
          expect(frame.committed.length).toBeGreaterThanOrEqual(1)
          const block = new Set(maskedPositions.subarray(frame.block * c.blockLength, (frame.block + 1) * c.blockLength))
          expect(frame.committed.every((position) => block.has(position))).toBe(true)
        })
        const last = frames[frames.length - 1]!.canvas
        expect(last.includes(ids.maskId)).toBe(false)
        const masked = new Set(maskedPositions)
        expect(Array.from(last.keys()).filter((i) => !masked.has(i)).every((i) => last[i] === initial[i])).toBe(true)
        expect(result.tokens).toHaveLength(c.genLength)
      }),
      { numRuns: 60 },
    )
  })

  it("classifier-free guidance's unconditional row masks every fixed position but the BOS anchor", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { maskedPositions } = layout(c.template)
        const masked = new Set(maskedPositions)
        const { double } = infill(c.template, { ...paramsOf(c), cfgScale: 1 })
        for (const call of double.calls) {
          expect(call.batch).toBe(2)
          const cond = call.ids.subarray(0, call.length)
          const uncond = call.ids.subarray(call.length)
          for (const position of cond.keys()) {
            expect(uncond[position]).toBe(position === 0 || masked.has(position) ? cond[position] : ids.maskId)
          }
        }
      }),
      { numRuns: 40 },
    )
  })
})

describe("diffusionInfill examples", () => {
  it("sees the right-hand side: a denoiser that copies the right neighbour fills a gap from its suffix", () => {
    // A masked position proposes its right neighbour's token once that is known (logit 5), else token 0 (logit 0.1).
    const copyRight = (canvas: Int32Array, position: number) => {
      const right = canvas[position + 1]
      return right !== undefined && right !== ids.maskId ? peak(VOCAB, right, 5) : peak(VOCAB, 0, 0.1)
    }
    const template: CanvasTemplate = [{ fixed: Int32Array.of(1, 2) }, { masks: 3 }, { fixed: Int32Array.of(7, 8) }]
    const { frames, result } = infill(template, params({ genLength: 3, steps: 3 }), copyRight)
    expect(frames.map((f) => f.committed)).toEqual([[4], [3], [2]])
    expect(result.tokens).toEqual([7, 7, 7])
    expect(Array.from(frames[2]!.canvas)).toEqual([1, 2, 7, 7, 7, 7, 8])
  })

  it("lays blocks over the masked positions in order, across a fixed span", () => {
    // Gaps of 3 and 3 around a fixed span; blocks of 2: {2, 3}, {4, 7}, {8, 9}.
    const template: CanvasTemplate = [{ fixed: Int32Array.of(0, 1) }, { masks: 3 }, { fixed: Int32Array.of(5, 6) }, { masks: 3 }]
    const { frames, double } = infill(template, params({ genLength: 6, steps: 6, blockLength: 2, cache: "dual" }))
    const committedInBlock = (block: number) => frames.filter((f) => f.block === block).flatMap((f) => f.committed).sort((a, b) => a - b)
    expect(frames.map((f) => f.block)).toEqual([0, 0, 1, 1, 2, 2])
    expect([0, 1, 2].map(committedInBlock)).toEqual([[2, 3], [4, 7], [8, 9]])
    expect(double.cachedCalls.map((call) => [call.window.start, call.window.end])).toEqual([[2, 4], [2, 4], [4, 8], [4, 8], [8, 10], [8, 10]])
  })

  it("stopAtEos counts the generated positions in canvas order", () => {
    // Gap 1 = p2, p3; gap 2 = p5, p6. p5 proposes EOS, every other position token 4.
    const template: CanvasTemplate = [{ fixed: Int32Array.of(0, 1) }, { masks: 2 }, { fixed: Int32Array.of(9) }, { masks: 2 }]
    const tokens = (_canvas: Int32Array, position: number) => peak(VOCAB, position === 5 ? ids.eosId : 4, position === 5 ? 3 : 1)
    const { result } = infill(template, params({ genLength: 4, steps: 4, stopAtEos: true }), tokens)
    expect(result).toMatchObject({ tokens: [4, 4], finishReason: "eos", steps: 3 })
  })

  it("rejects a bad template with InvalidParams naming it, before any model call", () => {
    const cases: Array<[CanvasTemplate, number, string]> = [
      [[], 4, "template"],
      [[{ masks: 4 }], 4, "template.0"],
      [[{ fixed: new Int32Array(0) }, { masks: 4 }], 4, "template.0"],
      [[{ fixed: Int32Array.of(0) }, { fixed: Int32Array.of(3) }], 4, "template"],
      [[{ fixed: Int32Array.of(0) }, { masks: 0 }, { masks: 4 }], 4, "template.1.masks"],
      [[{ fixed: Int32Array.of(0) }, { masks: 1.5 }], 4, "template.1.masks"],
      [[{ fixed: Int32Array.of(0) }, { masks: 4 }, { fixed: Int32Array.of(2, ids.maskId) }], 4, "template.2.fixed"],
      [[{ fixed: Int32Array.of(0) }, { masks: 4 }, { fixed: Int32Array.of(VOCAB) }], 4, "template.2.fixed"],
      [[{ fixed: Int32Array.of(0) }, { masks: 3 }, { fixed: Int32Array.of(2) }], 4, "genLength"],
    ]
    for (const [template, genLength, field] of cases) {
      const double = testDoubleDenoiser(VOCAB, hashedLogits(VOCAB))
      const p = params({ genLength, steps: genLength })
      expect(generationError(diffusionInfill(template, p, ids), double.layer)).toMatchObject({ _tag: "InvalidParams", field })
      expect(double.calls).toHaveLength(0)
    }
  })
})
