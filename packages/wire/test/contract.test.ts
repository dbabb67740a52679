import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { BYTE_OF_CHAR, decodeErrorBody, pieceBytes, decodeWorkerEvent, ErrorCode, REQUEST_ID_HEADER } from "../src/index.js"

const step = { step: 0, block: 0, text: "[MASK]", committed: [], nfe: 1, tokens: [4094] }
const done = {
  text: "Once",
  tokens: [7],
  finishReason: "length",
  usage: { promptTokens: 1, completionTokens: 1, nfe: 1, steps: 1, tokensPerForward: 1 },
  timings: { queueMs: 0, totalMs: 1, modelMs: 1 },
}

describe("the worker's events", () => {
  it("decodes step, done and error events and ignores other names", () => {
    expect(decodeWorkerEvent("step", JSON.stringify({ ...step, fixed: [[0, 2]], canvas: [1, 2, 4094] }))).toEqual({
      event: "step",
      data: { ...step, fixed: [[0, 2]], canvas: [1, 2, 4094] },
    })
    expect(decodeWorkerEvent("done", JSON.stringify(done))).toEqual({ event: "done", data: done })
    const error = { error: { code: "model_error", message: "boom" } }
    expect(decodeWorkerEvent("error", JSON.stringify(error))).toEqual({ event: "error", data: error })
    expect(decodeWorkerEvent("message", "not json")).toBeUndefined()
  })

  it("carries the per-token logprobs of a done answer when the request asked for them", () => {
    const scored = { ...done, logprobs: [{ token: 7, logprob: -0.5, top: [{ token: 7, logprob: -0.5 }, { token: 9, logprob: -1.25 }] }] }
    expect(decodeWorkerEvent("done", JSON.stringify(scored))).toEqual({ event: "done", data: scored })
    expect(() => decodeWorkerEvent("done", JSON.stringify({ ...scored, logprobs: [{ token: 7, logprob: null, top: [] }] }))).toThrow()
  })

  it("throws on data that breaks the contract", () => {
    expect(() => decodeWorkerEvent("done", JSON.stringify({ ...done, finishReason: "stop" }))).toThrow()
    expect(() => decodeWorkerEvent("step", JSON.stringify({ ...step, tokens: "4094" }))).toThrow()
    expect(() => decodeWorkerEvent("step", "{")).toThrow()
  })
})

describe("the error body", () => {
  it("reads code, message and the optional type and field", () => {
    const body = { error: { code: "invalid_parameter", message: "too long", type: "invalid_request_error", field: "maxTokens" } }
    expect(decodeErrorBody(body)).toEqual(body)
    expect(decodeErrorBody({ error: { code: "queue_full", message: "m" } })).toEqual({ error: { code: "queue_full", message: "m" } })
  })

  it("is undefined for anything else", () => {
    for (const value of [null, "x", {}, { error: null }, { error: { code: 1, message: "m" } }, { error: { code: "invalid_parameter" } }, { error: { code: "invalid_params", message: "m" } }]) {
      expect(decodeErrorBody(value)).toBeUndefined()
    }
  })

  it("has one code per failure: the worker's old spellings are gone", () => {
    const isCode = Schema.is(ErrorCode)
    expect(["invalid_parameter", "unknown_model", "body_too_large", "internal_error", "bad_signature", "queue_full"].every(isCode)).toBe(true)
    expect(["invalid_params", "model_not_found", "payload_too_large", "internal"].some(isCode)).toBe(false)
  })
})

describe("the GPT-2 byte table", () => {
  it("maps 256 distinct printable characters onto the 256 bytes", () => {
    expect(BYTE_OF_CHAR.size).toBe(256)
    expect(new Set(BYTE_OF_CHAR.values()).size).toBe(256)
    expect(BYTE_OF_CHAR.get("A")).toBe(65)
    expect(BYTE_OF_CHAR.get("Ġ")).toBe(32)
    expect(BYTE_OF_CHAR.get("Ċ")).toBe(10)
    expect(Array.from(pieceBytes("ĠhiĊ"))).toEqual([32, 104, 105, 10])
    expect(Array.from(pieceBytes("<|endoftext|>"))).toEqual(Array.from(new TextEncoder().encode("<|endoftext|>")))
  })

  it("names the request id header", () => {
    expect(REQUEST_ID_HEADER).toBe("x-request-id")
  })
})
