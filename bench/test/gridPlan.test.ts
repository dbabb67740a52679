import { decodeParams, DiffusionParams } from "@unmask/core"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { fullPreset, planCells, quickPreset } from "../src/grid/GridPlan.js"

const CONTEXT = 256

describe("planCells", () => {
  it("keeps BOS + P + N inside the context", () => {
    const cells = planCells(fullPreset.grid, CONTEXT)
    for (const cell of cells) expect(1 + cell.promptLength + cell.genLength).toBeLessThanOrEqual(CONTEXT)
    expect(cells.some((cell) => cell.promptLength === 0 && cell.genLength === 192)).toBe(true)
    expect(cells.some((cell) => cell.promptLength === 64 && cell.genLength === 192)).toBe(false)
  })

  it("has an AR baseline and T = N for every (P, N), and unique ids", () => {
    const cells = planCells(fullPreset.grid, CONTEXT)
    const settings = new Set(cells.map((cell) => `${cell.promptLength}:${cell.genLength}`))
    for (const setting of settings) {
      const same = cells.filter((cell) => `${cell.promptLength}:${cell.genLength}` === setting)
      expect(same.some((cell) => cell.sampler.kind === "ar")).toBe(true)
      expect(same.some((cell) => cell.sampler.kind === "vanilla" && cell.steps === cell.genLength)).toBe(true)
    }
    expect(new Set(cells.map((cell) => cell.id)).size).toBe(cells.length)
  })

  it("only plans diffusion settings core accepts", () => {
    for (const preset of [fullPreset, quickPreset]) {
      for (const cell of planCells(preset.grid, CONTEXT)) {
        if (cell.sampler.kind === "ar") continue
        const params = {
          genLength: cell.genLength,
          steps: cell.steps,
          remasking: "low_confidence",
          ...(cell.sampler.kind === "vanilla" ? {} : { blockLength: cell.sampler.blockLength }),
          ...(cell.sampler.kind === "threshold" ? { threshold: cell.sampler.threshold } : {}),
        }
        expect(Exit.isSuccess(Effect.runSyncExit(decodeParams(DiffusionParams)(params))), cell.id).toBe(true)
      }
    }
  })
})
