import type { CausalLM } from "@unmask/core"
import { beforeAll, describe, expect, it } from "vitest"
import { concurrently, expectClose, failureOf, run, tokens } from "./conformanceSupport.js"

/** A `CausalLM` under test: one handle per concurrent generation (one for an unbatched adapter). */
export interface CausalLMSubject {
  readonly lms: ReadonlyArray<CausalLM["Service"]>
  readonly vocab: number
  /** Largest difference allowed between logits that must agree (cached steps against a full prefill, other batch shapes). */
  readonly tolerance: number
}

/** What every `CausalLM` must do, whatever runs it: the same suite for the test double, the ONNX adapter and the batcher. */
export const runCausalLMConformance = (name: string, makeSubject: () => Promise<CausalLMSubject>) =>
  describe(`CausalLM conformance: ${name}`, () => {
    let subject: CausalLMSubject
    let lm: CausalLM["Service"]
    beforeAll(async () => {
      subject = await makeSubject()
      lm = subject.lms[0]!
    })

    it("prefill answers the next token's logits [V], the same every time", async () => {
      const prompt = tokens(6, 1)
      const [first, second] = [await run(lm.prefill(prompt)), await run(lm.prefill(prompt))]
      expect(first.logits.length).toBe(subject.vocab)
      expect(first.logits.every(Number.isFinite)).toBe(true)
      expect(second.logits).toEqual(first.logits)
    })

    it("a step on the prefill's cache answers what a prefill of the longer sequence answers", async () => {
      const sequence = tokens(8, 2)
      const { cache } = await run(lm.prefill(sequence.subarray(0, 6)))
      const once = await run(lm.step(sequence[6]!, cache))
      const twice = await run(lm.step(sequence[7]!, once.cache))
      expectClose(once.logits, (await run(lm.prefill(sequence.subarray(0, 7)))).logits, subject.tolerance)
      expectClose(twice.logits, (await run(lm.prefill(sequence))).logits, subject.tolerance)
    })

    it("answers each generation's prefill and step as it answers them alone, also when generations call at once", async () => {
      const prompts = [tokens(5, 3), tokens(5, 4)]
      const alone = await Promise.all(prompts.map((prompt) => run(lm.prefill(prompt))))
      const prefilled = await concurrently(subject.lms, prompts.map((prompt) => (handle: CausalLM["Service"]) => handle.prefill(prompt)))
      prefilled.forEach((output, i) => expectClose(output.logits, alone[i]!.logits, subject.tolerance))
      const stepped = await concurrently(subject.lms, prefilled.map(({ cache }) => (handle: CausalLM["Service"]) => handle.step(7, cache)))
      for (const [i, output] of stepped.entries()) {
        expectClose(output.logits, (await run(lm.step(7, alone[i]!.cache))).logits, subject.tolerance)
      }
    })

    it("rejects a step without a cache from prefill with a ModelError", async () => {
      const error = await failureOf(lm.step(1, "not a cache"))
      expect(error._tag).toBe("ModelError")
    })
  })
