import { pretrainingLoss } from "@unmask/core"
import { readFileSync } from "node:fs"
import { expect, it } from "vitest"

interface LossFixture { x0: number[][]; masked: number[][]; p: number[]; logits: number[]; shape: [number, number, number]; value: number }

it("core's pretrainingLoss equals the Python training loss on the same (tokens, mask, t, logits)", () => {
  const path = new URL("../diffusion/fixtures/parity.json", import.meta.url).pathname
  const { loss } = JSON.parse(readFileSync(path, "utf8")) as { loss: LossFixture }
  const [batch, length, vocab] = loss.shape
  expect(loss.masked.flat().some((m) => m === 1)).toBe(true)
  const value = pretrainingLoss(
    { data: Float32Array.from(loss.logits), batch, length, vocab },
    Int32Array.from(loss.x0.flat()),
    Uint8Array.from(loss.masked.flat()),
    loss.p,
  )
  expect(value).toBeCloseTo(loss.value, 5)
})
