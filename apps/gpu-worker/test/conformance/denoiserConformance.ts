import type { Denoiser, TokenBatch } from "@unmask/core"
import { beforeAll, describe, expect, it } from "vitest"
import { concurrently, expectClose, failureOf, run, tokens } from "./conformanceSupport.js"

/** A `Denoiser` under test: one handle per concurrent generation (one for an unbatched adapter). */
export interface DenoiserSubject {
  readonly denoisers: ReadonlyArray<Denoiser["Service"]>
  readonly vocab: number
  /** Largest difference allowed between logits that must agree (float32 kernels of other batch shapes). */
  readonly tolerance: number
}

const LENGTH = 12
const rowOf = (seed: number, length = LENGTH): TokenBatch => ({ ids: tokens(length, seed), batch: 1, length })
const stacked = (rows: ReadonlyArray<TokenBatch>): TokenBatch => ({
  ids: Int32Array.from(rows.flatMap((row) => [...row.ids])),
  batch: rows.length,
  length: rows[0]!.length,
})

/** What every `Denoiser` must do, whatever runs it: the same suite for the test double, the ONNX adapter and the batcher. */
export const runDenoiserConformance = (name: string, makeSubject: () => Promise<DenoiserSubject>) =>
  describe(`Denoiser conformance: ${name}`, () => {
    let subject: DenoiserSubject
    let denoise: Denoiser["Service"]["denoise"]
    beforeAll(async () => {
      subject = await makeSubject()
      denoise = subject.denoisers[0]!.denoise
    })

    it("answers logits [B, L, V] for a [B, L] batch", async () => {
      const logits = await run(denoise(stacked([rowOf(1), rowOf(2)])))
      expect({ batch: logits.batch, length: logits.length, vocab: logits.vocab }).toEqual({ batch: 2, length: LENGTH, vocab: subject.vocab })
      expect(logits.data.length).toBe(2 * LENGTH * subject.vocab)
      expect(logits.data.every(Number.isFinite)).toBe(true)
    })

    it("is deterministic: the same batch twice gives the same logits", async () => {
      const batch = rowOf(3)
      const [first, second] = [await run(denoise(batch)), await run(denoise(batch))]
      expect(second.data).toEqual(first.data)
    })

    it("answers each row of a batch as it answers that row alone, also when generations call at once", async () => {
      const rows = [rowOf(4), rowOf(5), rowOf(6)]
      const together = await run(denoise(stacked(rows)))
      const alone = await concurrently(subject.denoisers, rows.map((row) => (handle: Denoiser["Service"]) => handle.denoise(row)))
      alone.forEach((logits, r) => {
        const size = LENGTH * subject.vocab
        expectClose(logits.data, together.data.subarray(r * size, (r + 1) * size), subject.tolerance)
      })
    })

    it("answers rows of different lengths from concurrent generations each at its own length", async () => {
      const rows = [rowOf(7, LENGTH), rowOf(8, LENGTH - 4)]
      const alone = await Promise.all(rows.map((row) => run(denoise(row))))
      const atOnce = await concurrently(subject.denoisers, rows.map((row) => (handle: Denoiser["Service"]) => handle.denoise(row)))
      atOnce.forEach((logits, r) => {
        expect(logits.length).toBe(rows[r]!.length)
        expectClose(logits.data, alone[r]!.data, subject.tolerance)
      })
    })

    it("ignores right padding: a padded row's real positions are the unpadded row's", async () => {
      const row = rowOf(9, LENGTH - 3)
      const padded: TokenBatch = {
        ids: Int32Array.from([...row.ids, 0, 0, 0]),
        batch: 1,
        length: LENGTH,
        attentionMask: Int32Array.from({ length: LENGTH }, (_, i) => (i < row.length ? 1 : 0)),
      }
      const [plain, withPadding] = [await run(denoise(row)), await run(denoise(padded))]
      expectClose(withPadding.data.subarray(0, row.length * subject.vocab), plain.data, subject.tolerance)
    })

    it("rejects ids that do not fill [B, L] with a ModelError", async () => {
      const error = await failureOf(denoise({ ids: tokens(LENGTH + 1, 10), batch: 2, length: LENGTH }))
      expect(error._tag).toBe("ModelError")
    })
  })
