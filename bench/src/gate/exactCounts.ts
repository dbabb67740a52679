import { collectResult, Denoiser, diffusionGenerate, DiffusionParams } from "@unmask/core"
import { Effect, Layer, Schema } from "effect"
import type { BenchModels } from "../models/BenchModels.js"

/**
 * Deterministic counts, gated exactly: the model calls (NFE) of greedy decoding with the dual cache
 * and a parallel rule, summed over the fixed prompts. More calls for the same tokens is a
 * regression with no tolerance needed; fewer is an improvement to record in the baseline.
 */
export const EXACT_COUNT_PLAN = { promptLength: 63, genLength: 64, blockLength: 32, thresholds: [0.9, 0.5] } as const

export const exactCountName = (model: string, threshold: number) =>
  `NFE ${model}: greedy dual cache + threshold ${threshold} b${EXACT_COUNT_PLAN.blockLength}, N=${EXACT_COUNT_PLAN.genLength}, P=${EXACT_COUNT_PLAN.promptLength}, 5 fixed prompts`

export const measureExactCounts = (model: string, models: BenchModels, prompts: ReadonlyArray<Int32Array>) =>
  Effect.gen(function*() {
    const counts: Record<string, number> = {}
    for (const threshold of EXACT_COUNT_PLAN.thresholds) {
      let nfe = 0
      for (const promptIds of prompts) {
        const result = yield* collectResult(diffusionGenerate(promptIds, Schema.decodeUnknownSync(DiffusionParams)({
          genLength: EXACT_COUNT_PLAN.genLength, steps: EXACT_COUNT_PLAN.genLength, blockLength: EXACT_COUNT_PLAN.blockLength,
          remasking: "low_confidence", temperature: 0, cfgScale: 0, stopAtEos: false, seed: 0, cache: "dual", threshold,
        }), models.diffusionIds)).pipe(
          Effect.provide(Layer.succeed(Denoiser, models.denoiser)),
        )
        nfe += result.nfe
      }
      counts[exactCountName(model, threshold)] = nfe
    }
    return counts
  })

export type CountVerdict = "ok" | "regressed" | "improved" | "new"

export interface CountRow {
  readonly name: string
  readonly baseline: number | undefined
  readonly value: number
  readonly verdict: CountVerdict
}

export const compareExactCounts = (measured: Readonly<Record<string, number>>, baseline: Readonly<Record<string, number>> | undefined): Array<CountRow> =>
  Object.entries(measured).map(([name, value]) => {
    const reference = baseline?.[name]
    const verdict: CountVerdict = reference === undefined ? "new" : value > reference ? "regressed" : value < reference ? "improved" : "ok"
    return { name, baseline: reference, value, verdict }
  })

export const formatCountTable = (rows: ReadonlyArray<CountRow>): string =>
  [
    "Exact counts (deterministic: any rise fails; a fall is an improvement: copy the new counts into gate-baseline.json)",
    "| count | baseline | now | verdict |",
    "|---|---:|---:|---|",
    ...rows.map((row) => `| ${row.name} | ${row.baseline ?? "–"} | ${row.value} | ${row.verdict === "regressed" ? "**REGRESSED**" : row.verdict} |`),
  ].join("\n")
