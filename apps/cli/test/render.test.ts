import { describe, expect, it } from "vitest"
import type { StepFrame } from "../src/client.js"
import { compareTable } from "../src/compare.js"
import { resultJson } from "../src/render/json.js"
import { canvasSegments, renderSegments } from "../src/render/canvas.js"
import { stepLine } from "../src/render/plain.js"
import { colorWanted, makeStyle } from "../src/render/style.js"
import { frame, progressLine, redraw, rowsOf } from "../src/render/tty.js"
import { expectedPlan } from "../src/request.js"
import type { RunResult } from "../src/runResult.js"
import { decodePieces, loadVocabulary } from "../src/tokenPieces.js"

const M = 4094
// A real step of the shipped diffusion model: "Once upon a time", 16 tokens, 8 steps, seed 1.
const STEP: StepFrame = {
  step: 2,
  block: 0,
  text: ", there was a little[MASK] named[MASK][MASK][MASK][MASK][MASK][MASK][MASK][MASK][MASK]",
  committed: [4, 6],
  nfe: 3,
  tokens: [5, 235, 119, 95, 228, M, 248, M, M, M, M, M, M, M, M, M],
}

const vocabulary = loadVocabulary({})

describe("the canvas", () => {
  it("decodes the shipped vocabulary token by token, reproducing the worker's text", () => {
    expect(vocabulary).toBeDefined()
    const pieces = decodePieces(vocabulary!, STEP.tokens)!
    expect(pieces.slice(0, 7)).toEqual([
      { _tag: "Token", position: 0, text: "," },
      { _tag: "Token", position: 1, text: " there" },
      { _tag: "Token", position: 2, text: " was" },
      { _tag: "Token", position: 3, text: " a" },
      { _tag: "Token", position: 4, text: " little" },
      { _tag: "Mask", position: 5 },
      { _tag: "Token", position: 6, text: " named" },
    ])
    expect(decodePieces(vocabulary!, [5, 4093, 235])).toEqual([{ _tag: "Token", position: 0, text: "," }])
  })

  it("draws masks as dim blocks and this step's tokens in bold inverse", () => {
    const segments = canvasSegments(STEP, vocabulary)
    expect(renderSegments(segments, makeStyle(false))).toBe(", there was a little░ named░░░░░░░░░")
    expect(renderSegments(segments, makeStyle(true))).toBe(
      ", there was a \u001b[1;7mlittle\u001b[22;27m\u001b[2m░\u001b[22m \u001b[1;7mnamed\u001b[22;27m\u001b[2m░░░░░░░░░\u001b[22m",
    )
  })

  it("falls back to the worker's text (no highlight) when the vocabulary does not reproduce it", () => {
    const other = { ...STEP, text: "something else[MASK]" }
    expect(canvasSegments(other, vocabulary)).toEqual([
      { _tag: "Text", text: "something else", fresh: false },
      { _tag: "Mask" },
    ])
    expect(renderSegments(canvasSegments(STEP, undefined), makeStyle(false))).toBe(", there was a little░ named░░░░░░░░░")
  })

  it("honours NO_COLOR", () => {
    expect(colorWanted({})).toBe(true)
    expect(colorWanted({ NO_COLOR: "" })).toBe(true)
    expect(colorWanted({ NO_COLOR: "1" })).toBe(false)
  })
})

describe("the live view", () => {
  it("counts wrapped rows and redraws in place", () => {
    expect(rowsOf("abc", 80)).toBe(1)
    expect(rowsOf("\u001b[1m" + "x".repeat(80) + "\u001b[22m", 80)).toBe(1)
    expect(rowsOf("x".repeat(81) + "\nstatus", 80)).toBe(3)
    expect(redraw(0, "A")).toBe("A")
    expect(redraw(1, "B")).toBe("\r\u001b[JB")
    expect(redraw(3, "C")).toBe("\r\u001b[2A\u001b[JC")
  })

  it("shows step, block, NFE, tokens/s and elapsed time", () => {
    const plan = { length: 128, steps: 64, dynamic: false, blocks: 4 }
    expect(progressLine({ mode: "diffusion", step: 12, plan, block: 1, nfe: 12, tokens: 24, elapsedMs: 2000 })).toBe(
      "diffusion step 12/64 · block 2/4 · NFE 12 · 12.0 tokens/s · 2.0 s",
    )
    expect(progressLine({ mode: "ar", step: 3, plan, block: 0, nfe: 4, tokens: 3, elapsedMs: 1500 })).toBe(
      "ar step 3/64 · NFE 4 · 2.0 tokens/s · 1.5 s",
    )
    expect(frame("Once", " upon░", "status", makeStyle(false))).toBe("Once upon░\nstatus")
  })
})

const result = (mode: "diffusion" | "ar", nfe: number, wallMs: number): RunResult => ({
  mode,
  request: { prompt: "p", mode, maxTokens: 8, stream: true },
  response: {
    text: " text",
    tokens: [1, 2, 3, 4, 5, 6, 7, 8],
    finishReason: "length",
    // Cast: the worker's usage may carry more fields (tokensPerForward) than these tests need.
    usage: { promptTokens: 2, completionTokens: 8, nfe, steps: nfe } as RunResult["response"]["usage"],
    timings: { queueMs: 0, totalMs: wallMs - 5, modelMs: wallMs / 2 },
  },
  wallMs,
  firstFrameMs: 50,
})

describe("plain, JSON and compare output", () => {
  it("prints one line per step", () => {
    expect(stepLine("diffusion", STEP, { length: 16, steps: 8, dynamic: false, blocks: 1 }, 10)).toBe(
      "step 3/8 block=0 nfe=3 committed=2 masks=10",
    )
    expect(stepLine("diffusion", STEP, expectedPlan("diffusion", { maxTokens: 16, steps: 8, threshold: 0.9 }), 3)).toBe(
      "step 3/≤16 block=0 nfe=3 committed=2 masks=3",
    )
    expect(stepLine("ar", { ...STEP, committed: [2] }, { length: 16, steps: 16, dynamic: false, blocks: 1 }, 0)).toBe(
      "step 3/16 nfe=3 committed=1",
    )
  })

  it("tabulates a comparison", () => {
    expect(compareTable([result("diffusion", 4, 400), result("ar", 8, 1000)])).toBe(
      [
        "mode         wall  first frame  NFE  tokens  tokens/s",
        "diffusion  0.40 s       0.05 s    4       8      20.0",
        "ar         1.00 s       0.05 s    8       8       8.0",
        "diffusion vs ar: 0.50× the NFE, 2.50× the tokens/s",
        "",
      ].join("\n"),
    )
  })

  it("--json: the request without prompt/stream/mode, the result, client and worker timings", () => {
    const worker = { url: "http://w", inProcess: false }
    expect(resultJson("p", worker, [result("diffusion", 4, 400)], false)).toEqual({
      prompt: "p",
      worker,
      mode: "diffusion",
      request: { maxTokens: 8 },
      text: " text",
      tokens: [1, 2, 3, 4, 5, 6, 7, 8],
      finishReason: "length",
      usage: { promptTokens: 2, completionTokens: 8, nfe: 4, steps: 4 },
      timings: { wallMs: 400, firstFrameMs: 50, tokensPerSecond: 20, queueMs: 0, totalMs: 395, modelMs: 200 },
    })
    const both = resultJson("p", worker, [result("diffusion", 4, 400), result("ar", 8, 1000)], true)
    expect(Object.keys(both)).toEqual(["prompt", "worker", "diffusion", "ar"])
  })
})
