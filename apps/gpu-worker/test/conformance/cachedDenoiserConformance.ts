import type { CachedDenoiser, Denoiser, TokenBatch, Window, WindowPredictions, WindowRequest } from "@unmask/core"
import { beforeAll, describe, expect, it } from "vitest"
import { concurrently, expectClose, failureOf, run, tokens } from "./conformanceSupport.js"

/** A `Denoiser` with the `cached` capability under test: one handle per concurrent generation. */
export interface CachedDenoiserSubject {
  readonly denoisers: ReadonlyArray<Denoiser["Service"]>
  readonly vocab: number
  /** Largest difference allowed between logits that must agree (the cache-aware graph against the plain one, other batch shapes). */
  readonly tolerance: number
}

const LENGTH = 12
const WINDOW: Window = { start: 4, end: 8 }
const canvasOf = (seeds: ReadonlyArray<number>, length = LENGTH): TokenBatch => ({
  ids: Int32Array.from(seeds.flatMap((seed) => [...tokens(length, seed)])),
  batch: seeds.length,
  length,
})
const requestOf = (batch: TokenBatch, wants: WindowRequest["wants"] = "logits", window = WINDOW): WindowRequest => ({ batch, window, wants })

const logitsOf = (predictions: WindowPredictions) => {
  if (predictions._tag !== "Logits") throw new Error("asked for logits, got a confidence summary")
  return predictions.logits
}

/** The plain forward's logits at the window's positions, [B, window, V]. */
const windowOfPlain = (data: Float32Array, batch: number, vocab: number, window: Window) => {
  const count = window.end - window.start
  const out = new Float32Array(batch * count * vocab)
  for (let b = 0; b < batch; b++) out.set(data.subarray((b * LENGTH + window.start) * vocab, (b * LENGTH + window.end) * vocab), b * count * vocab)
  return out
}

/** What every block-KV-cached `Denoiser` must do: the same suite for the test double, the ONNX adapter and the batcher. */
export const runCachedDenoiserConformance = (name: string, makeSubject: () => Promise<CachedDenoiserSubject>) =>
  describe(`cached Denoiser conformance: ${name}`, () => {
    let subject: CachedDenoiserSubject
    let cached: CachedDenoiser
    let handles: Array<CachedDenoiser>
    beforeAll(async () => {
      subject = await makeSubject()
      handles = subject.denoisers.map((denoiser) => {
        if (denoiser.cached === undefined) throw new Error(`${name} lacks the cached capability`)
        return denoiser.cached
      })
      cached = handles[0]!
    })

    it("fill answers the window's logits [B, window, V], those of the plain full forward", async () => {
      const batch = canvasOf([1, 2])
      const { predictions, cache } = await run(cached.fill(requestOf(batch)))
      const logits = logitsOf(predictions)
      expect({ batch: logits.batch, length: logits.length, vocab: logits.vocab }).toEqual({ batch: 2, length: 4, vocab: subject.vocab })
      expect(cache.length).toBe(LENGTH)
      const plain = await run(subject.denoisers[0]!.denoise(batch))
      expectClose(logits.data, windowOfPlain(plain.data, 2, subject.vocab, WINDOW), subject.tolerance)
    })

    it("refine on the canvas the cache was filled from equals the fill (the cache is exact before any change)", async () => {
      const request = requestOf(canvasOf([3]))
      const { predictions, cache } = await run(cached.fill(request))
      const refined = await run(cached.refine(request, cache))
      expectClose(logitsOf(refined).data, logitsOf(predictions).data, subject.tolerance)
    })

    it("is deterministic: the same refine twice gives the same predictions", async () => {
      const request = requestOf(canvasOf([4]))
      const { cache } = await run(cached.fill(request))
      const [first, second] = [await run(cached.refine(request, cache)), await run(cached.refine(request, cache))]
      expect(logitsOf(second).data).toEqual(logitsOf(first).data)
    })

    it("answers a confidence request with logits or a confidence summary of the window's shape", async () => {
      const { predictions } = await run(cached.fill(requestOf(canvasOf([5]), "confidence")))
      if (predictions._tag === "Logits") {
        expect(predictions.logits.data.length).toBe(4 * subject.vocab)
        return
      }
      const { topTokens, topProbabilities, entropy, batch, length } = predictions.confidence
      expect({ batch, length, top: topTokens.length, probabilities: topProbabilities.length, entropy: entropy.length }).toEqual({
        batch: 1, length: 4, top: 8, probabilities: 8, entropy: 4,
      })
      for (let i = 0; i < 4; i++) expect(topProbabilities[2 * i]!).toBeGreaterThanOrEqual(topProbabilities[2 * i + 1]!)
    })

    it("answers each generation's fill and refine as it answers them alone, also when generations call at once", async () => {
      const requests = [requestOf(canvasOf([6])), requestOf(canvasOf([7]))]
      const alone = await Promise.all(requests.map((request) => run(cached.fill(request))))
      const filled = await concurrently(handles, requests.map((request) => (handle: CachedDenoiser) => handle.fill(request)))
      filled.forEach(({ predictions }, i) => expectClose(logitsOf(predictions).data, logitsOf(alone[i]!.predictions).data, subject.tolerance))
      const refined = await concurrently(handles, requests.map((request, i) => (handle: CachedDenoiser) => handle.refine(request, filled[i]!.cache)))
      refined.forEach((predictions, i) => expectClose(logitsOf(predictions).data, logitsOf(alone[i]!.predictions).data, subject.tolerance))
    })

    it("rejects a refine with the cache of another canvas with a ModelError", async () => {
      const { cache } = await run(cached.fill(requestOf(canvasOf([8]))))
      const error = await failureOf(cached.refine(requestOf(canvasOf([8], LENGTH - 2)), cache))
      expect(error._tag).toBe("ModelError")
    })

    it("rejects ids that do not fill [B, L] with a ModelError", async () => {
      const error = await failureOf(cached.fill(requestOf({ ids: tokens(LENGTH + 1, 10), batch: 2, length: LENGTH })))
      expect(error._tag).toBe("ModelError")
    })

    it("rejects a window outside the canvas with a ModelError", async () => {
      const error = await failureOf(cached.fill(requestOf(canvasOf([9]), "logits", { start: 8, end: LENGTH + 2 })))
      expect(error._tag).toBe("ModelError")
    })
  })
