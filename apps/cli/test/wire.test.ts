import { describe, expect, it } from "vitest"
import { WorkerUnreachable } from "../src/client.js"
import { shouldFallBack } from "../src/connect.js"
import { workerRefusal } from "../src/errors.js"

describe("errors and fallback", () => {
  it("formats the worker's error body with field, status and exit status", () => {
    const invalid = workerRefusal(400, { code: "invalid_parameter", message: "maxTokens must be at most 128", field: "maxTokens" })
    expect(invalid.message).toBe("the worker answered 400 invalid_parameter (maxTokens): maxTokens must be at most 128")
    expect(invalid.exitCode).toBe(2)
    const busy = workerRefusal(503, { code: "queue_full", message: "the queue is full" })
    expect(busy.exitCode).toBe(4)
    expect(busy.message).toContain("hint: the worker is busy")
  })

  it("falls back in-process only for a refused connection at the default URL", () => {
    const refused = new WorkerUnreachable("http://127.0.0.1:8788", "connection refused", true)
    const timedOut = new WorkerUnreachable("http://127.0.0.1:8788", "no answer within 3 s", false)
    expect(shouldFallBack({ urlExplicit: false }, refused)).toBe(true)
    expect(shouldFallBack({ urlExplicit: true }, refused)).toBe(false)
    expect(shouldFallBack({ urlExplicit: false }, timedOut)).toBe(false)
  })
})
