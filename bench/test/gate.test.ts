import { describe, expect, it } from "vitest"
import { compareToBaseline, formatGateTable, gatePassed } from "../src/gate/compareToBaseline.js"
import type { GateBaseline } from "../src/gate/GateBaseline.js"
import { gateMetrics } from "../src/gate/gateMetrics.js"
import { syntheticGrid } from "./support/syntheticGrid.js"

const baselineOf = (grid = syntheticGrid(), tolerance = 0.25): GateBaseline => ({
  note: "test",
  measuredOn: "test",
  tolerance,
  metrics: Object.fromEntries(gateMetrics(grid).map((metric) => [metric.name, metric.value])),
})

describe("gate metrics", () => {
  it("are ratios from one run", () => {
    const byName = Object.fromEntries(gateMetrics(syntheticGrid()).map((metric) => [metric.name, metric.value]))
    expect(byName["diffusion T=N/4 vs AR tokens/s (N=32)"]).toBeCloseTo(2, 9)
    expect(byName["batching gain (B=4 vs 1, L=33)"]).toBeCloseTo(2, 9)
    expect(byName["wall / model time (vanilla T=N=32)"]).toBeCloseTo(1 / 0.9, 9)
    expect(byName["diffusion call (L=129) / AR step (past 129)"]).toBeCloseTo(36 / 7, 9)
  })

  it("do not move when every time scales together", () => {
    const grid = syntheticGrid()
    const slower = {
      ...grid,
      cells: grid.cells.map((cell) => ({ ...cell, tokensPerSecond: cell.tokensPerSecond / 3 })),
      calls: {
        diffusion: grid.calls.diffusion.map((call) => ({ ...call, ms: { ...call.ms, median: call.ms.median * 3 } })),
        arStep: grid.calls.arStep.map((call) => ({ ...call, ms: { ...call.ms, median: call.ms.median * 3 } })),
        diffusionBatches: grid.calls.diffusionBatches.map((call) => ({ ...call, ms: { ...call.ms, median: call.ms.median * 3 } })),
      },
    }
    expect(gatePassed(compareToBaseline(gateMetrics(slower), baselineOf()))).toBe(true)
  })
})

describe("compareToBaseline", () => {
  it("passes an unchanged run", () => {
    const rows = compareToBaseline(gateMetrics(syntheticGrid()), baselineOf())
    expect(rows.every((row) => row.verdict === "ok")).toBe(true)
    expect(gatePassed(rows)).toBe(true)
  })

  it("fails when diffusion got slower relative to AR beyond the tolerance", () => {
    const rows = compareToBaseline(gateMetrics(syntheticGrid({ quarterWallMs: 240 })), baselineOf())
    expect(gatePassed(rows)).toBe(false)
    const table = formatGateTable(rows, 0.25)
    expect(table).toContain("REGRESSED")
    expect(table).toContain("±25 %")
  })

  it("stays within the tolerance for small moves and flags large gains without failing", () => {
    expect(gatePassed(compareToBaseline(gateMetrics(syntheticGrid({ quarterWallMs: 180 })), baselineOf()))).toBe(true)
    const rows = compareToBaseline(gateMetrics(syntheticGrid({ batch4Ms: 10 })), baselineOf())
    expect(rows.find((row) => row.metric.name.startsWith("batching"))?.verdict).toBe("improved")
    expect(gatePassed(rows)).toBe(true)
  })

  it("treats a metric missing from the baseline as new", () => {
    const rows = compareToBaseline(gateMetrics(syntheticGrid()), { ...baselineOf(), metrics: {} })
    expect(rows.every((row) => row.verdict === "new")).toBe(true)
  })
})
