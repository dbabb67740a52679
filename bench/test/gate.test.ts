import { describe, expect, it } from "vitest"
import { compareToBaseline, formatGateTable, formatRatio, gatePassed } from "../src/gate/compareToBaseline.js"
import { type GateBaseline, toleranceOf } from "../src/gate/GateBaseline.js"
import { gateMetrics } from "../src/gate/gateMetrics.js"
import { formatNoiseTable, measureNoise, smallestCaught, suggestTolerance, toleranceVerdict } from "../src/gate/gateNoise.js"
import { baseCosts, syntheticGate } from "./support/syntheticGate.js"

const baselineOf = (tolerance = 0.3, tolerances?: Record<string, number>): GateBaseline => ({
  note: "test",
  measuredOn: "test",
  tolerance,
  ...(tolerances === undefined ? {} : { tolerances }),
  metrics: Object.fromEntries(gateMetrics(syntheticGate()).map((metric) => [metric.name, metric.value])),
})

const valueOf = (name: string, overrides: Parameters<typeof syntheticGate>[0] = {}) =>
  gateMetrics(syntheticGate(overrides)).find((metric) => metric.name.startsWith(name))!.value

describe("gate metrics", () => {
  it("are ratios of CPU times from one run", () => {
    const byName = Object.fromEntries(gateMetrics(syntheticGate()).map((metric) => [metric.name, metric.value]))
    // AR: 32 × (2 + 1) ms; diffusion T = 8: 8 × (4 + 8) ms.
    expect(byName["diffusion T=N/4 vs AR tokens per CPU-s (N=32)"]).toBeCloseTo(96 / 96, 9)
    expect(byName["batching gain (B=4 vs 1, L=33)"]).toBeCloseTo((4 * 4) / 8, 9)
    expect(byName["diffusion sampler overhead / model CPU (T=N=32)"]).toBeCloseTo(8 / 4, 9)
    expect(byName["AR sampler overhead / model CPU (N=32)"]).toBeCloseTo(1 / 2, 9)
    expect(byName["diffusion call (L=129) / AR step (past 128)"]).toBeCloseTo(20 / 4, 9)
  })

  it("report the range the rounds give on their own", () => {
    const metrics = gateMetrics(syntheticGate({}, [1, 1, 1]))
    for (const metric of metrics) expect(metric.spread).toEqual({ low: metric.value, high: metric.value, rounds: 3 })
  })

  it("do not move when every time scales together (a slower or busier machine)", () => {
    const slower = gateMetrics(syntheticGate({}, [3, 3.3, 2.7]))
    expect(gatePassed(compareToBaseline(slower, baselineOf()))).toBe(true)
    for (const [index, metric] of gateMetrics(syntheticGate()).entries()) expect(slower[index]!.value).toBeCloseTo(metric.value, 9)
  })

  it("double the sampler overhead when the sampler is 2× slower", () => {
    expect(valueOf("diffusion sampler overhead", { diffusionSamplerMs: 2 * baseCosts.diffusionSamplerMs }))
      .toBeCloseTo(2 * valueOf("diffusion sampler overhead"), 9)
    expect(valueOf("AR sampler overhead", { arSamplerMs: 2 * baseCosts.arSamplerMs })).toBeCloseTo(2 * valueOf("AR sampler overhead"), 9)
  })
})

describe("compareToBaseline", () => {
  it("passes the baseline's own run", () => {
    const rows = compareToBaseline(gateMetrics(syntheticGate()), baselineOf())
    expect(rows.every((row) => row.verdict === "ok")).toBe(true)
    expect(gatePassed(rows)).toBe(true)
  })

  it("fails a 2× slower diffusion sampler, naming the metric", () => {
    const rows = compareToBaseline(gateMetrics(syntheticGate({ diffusionSamplerMs: 16 })), baselineOf())
    expect(gatePassed(rows)).toBe(false)
    expect(rows.filter((row) => row.verdict === "regressed").map((row) => row.metric.name)).toEqual([
      "diffusion T=N/4 vs AR tokens per CPU-s (N=32)",
      "diffusion sampler overhead / model CPU (T=N=32)",
    ])
    const table = formatGateTable(rows, 0.3)
    expect(table).toContain("**REGRESSED**")
    expect(table).toContain("±30 %")
  })

  it("fails a 2× slower diffusion model and a 2× slower AR sampler", () => {
    const slowModel = compareToBaseline(gateMetrics(syntheticGate({ diffusionCallMs: 8, batchCallMs: 16, longDiffusionCallMs: 40 })), baselineOf())
    expect(slowModel.find((row) => row.metric.name.startsWith("diffusion call"))?.verdict).toBe("regressed")
    const slowAr = compareToBaseline(gateMetrics(syntheticGate({ arSamplerMs: 2 })), baselineOf())
    expect(slowAr.find((row) => row.metric.name.startsWith("AR sampler"))?.verdict).toBe("regressed")
  })

  it("treats the tolerance as a factor both ways: ×1.3 worse passes at 0.3, ×1.35 fails", () => {
    const base = valueOf("diffusion sampler overhead")
    const metric = { name: "m", description: "", better: "lower" as const }
    const baseline: GateBaseline = { note: "", measuredOn: "", tolerance: 0.3, metrics: { m: base, n: base } }
    expect(compareToBaseline([{ ...metric, value: base * 1.29 }], baseline)[0]!.verdict).toBe("ok")
    expect(compareToBaseline([{ ...metric, value: base * 1.35 }], baseline)[0]!.verdict).toBe("regressed")
    const higher = { name: "n", description: "", better: "higher" as const }
    expect(compareToBaseline([{ ...higher, value: base / 1.29 }], baseline)[0]!.verdict).toBe("ok")
    expect(compareToBaseline([{ ...higher, value: base / 1.35 }], baseline)[0]!.verdict).toBe("regressed")
    expect(compareToBaseline([{ ...higher, value: base * 1.35 }], baseline)[0]!.verdict).toBe("improved")
  })

  it("uses a metric's own tolerance where the baseline gives one", () => {
    const name = "diffusion sampler overhead / model CPU (T=N=32)"
    const baseline = baselineOf(0.3, { [name]: 0.8 })
    expect(toleranceOf(baseline, name)).toBe(0.8)
    expect(toleranceOf(baseline, "other")).toBe(0.3)
    const rows = compareToBaseline(gateMetrics(syntheticGate({ diffusionSamplerMs: 12 })), baseline)
    expect(rows.find((row) => row.metric.name === name)?.verdict).toBe("ok")
  })

  it("flags large gains without failing and treats a metric missing from the baseline as new", () => {
    const rows = compareToBaseline(gateMetrics(syntheticGate({ batchCallMs: 4 })), baselineOf())
    expect(rows.find((row) => row.metric.name.startsWith("batching"))?.verdict).toBe("improved")
    expect(gatePassed(rows)).toBe(true)
    const fresh = compareToBaseline(gateMetrics(syntheticGate()), { ...baselineOf(), metrics: {} })
    expect(fresh.every((row) => row.verdict === "new")).toBe(true)
    expect(gatePassed(fresh)).toBe(true)
  })

  it("formats ratios with sensible digits", () => {
    expect(formatRatio(0.04567)).toBe("0.046")
    expect(formatRatio(2.345)).toBe("2.35")
    expect(formatRatio(12.34)).toBe("12.3")
    expect(formatRatio(Number.NaN)).toBe("–")
  })
})

describe("gate noise", () => {
  const metric = (name: string, value: number, better: "higher" | "lower") => ({ name, description: "", value, better })
  const runs = [0.9, 1, 1.6].map((value) => [metric("up", value, "higher"), metric("down", value, "lower"), metric("flat", 2, "lower")])

  it("centres each metric between its extremes and measures the worst run against that centre", () => {
    const noise = measureNoise(runs)
    const down = noise.find((entry) => entry.name === "down")!
    expect(down).toMatchObject({ median: 1, values: [0.9, 1, 1.6] })
    expect(down.center).toBeCloseTo(1.2, 9)
    expect(down.spreadFactor).toBeCloseTo(1.6 / 0.9, 9)
    expect(down.worstDeviation).toBeCloseTo(1.6 / 1.2, 9)
    // A regression shows least on the most favourable run: lowest for lower-is-better, highest for higher.
    expect(down.favourable).toBeCloseTo(0.9 / 1.2, 9)
    expect(noise.find((entry) => entry.name === "up")!.favourable).toBeCloseTo(1.2 / 1.6, 9)
    expect(noise.find((entry) => entry.name === "flat")).toMatchObject({ spreadFactor: 1, worstDeviation: 1, favourable: 1 })
  })

  it("says whether a tolerance lets the noise pass and still catches a 2× regression", () => {
    expect(toleranceVerdict({ worstDeviation: 1.2, favourable: 0.9 }, 0.3)).toEqual({ noiseFails: false, regressionCaught: true })
    expect(toleranceVerdict({ worstDeviation: 1.4, favourable: 0.9 }, 0.3)).toEqual({ noiseFails: true, regressionCaught: true })
    expect(toleranceVerdict({ worstDeviation: 1.2, favourable: 0.7 }, 0.5)).toEqual({ noiseFails: false, regressionCaught: false })
  })

  it("suggests the tolerance halfway (geometrically) between the noise and a 2× regression, or above the noise", () => {
    // Noise ×1.2, a 2× regression shows as ×1.8: √(1.2 · 1.8) = 1.47 → 0.5.
    expect(suggestTolerance({ worstDeviation: 1.2, favourable: 0.9 })).toBe(0.5)
    // Noise ×2.2 hides a 2× regression: 10 % above the noise.
    expect(suggestTolerance({ worstDeviation: 2.2, favourable: 1 / 2.2 })).toBe(1.45)
    expect(smallestCaught({ favourable: 0.5 }, 0.5)).toBe(3)
    const table = formatNoiseTable(measureNoise(runs), () => 0.3)
    expect(table).toContain("| down | 0.900, 1.000, 1.600 | 1.200 | ×1.33 | ×1.50 | 45 % | 30 % | noise FAILS, 2× caught |")
    expect(table).toContain("| flat | 2.000, 2.000, 2.000 | 2.000 | ×1.00 | ×2.00 | 45 % | 30 % | noise passes, 2× caught |")
  })
})
