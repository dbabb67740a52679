import type { CostModel } from "../costModel/fitCostModel.js"
import type { FastResults } from "../fast/FastResults.js"
import type { CellResult } from "../grid/GridResults.js"
import type { ChartSpec, Series } from "./svg/renderChart.js"

const fixed = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits)

/**
 * Per-call overhead vs per-position compute, from the grid's cost model: the window of a dual-cache
 * step (block + 1 positions) against an AR step at the mean cache length.
 */
const costModelLine = (results: FastResults, model: CostModel, genLength: number, window: number) => {
  const [a = 0, b = 0, c = 0] = model.diffusion.coefficients
  const perPosition = b * window + c * window * window
  const [arA = 0, arB = 0] = model.arStep.coefficients
  const past = results.axes.promptLength + 1 + genLength / 2
  const canvas = 1 + results.axes.promptLength + genLength
  const fill = a + b * canvas + c * canvas * canvas
  return `- From the grid's cost model (fitted on full forwards, so it ignores that the window's queries attend to all ${canvas} keys): a window of ${window} positions costs ` +
    `${fixed(a + perPosition, 2)} ms, of which ${fixed(a, 2)} ms is per-call overhead and ${fixed(perPosition, 2)} ms per-position compute; ` +
    `an AR step after ${past} cached positions costs ${fixed(arA + arB * past, 2)} ms (${fixed(arA, 2)} ms of it overhead). ` +
    (a + perPosition > 1.1 * (arA + arB * past)
      ? `Per-position compute, not per-call overhead, separates them; smaller blocks shrink it but refill the cache (a ${fixed(fill, 1)} ms full forward) more often.`
      : `The window alone costs about an AR step; what separates them is the cache refill, a ${fixed(fill, 1)} ms full forward every ${window - 1} steps ` +
        `(${fixed(fill / (window - 1), 2)} ms per step), which larger blocks amortise better but pay for with a larger window.`)
}

const isPlain = (cell: CellResult) => cell.sampler.kind === "vanilla" && cell.steps === cell.genLength
const isTarget = (cell: CellResult) =>
  cell.sampler.kind === "cached" && cell.sampler.cache === "dual" && cell.sampler.threshold === 0.9 && cell.sampler.confidenceHead
const isAr = (cell: CellResult) => cell.sampler.kind === "ar"

const genLengths = (results: FastResults) => [...new Set(results.cells.map((cell) => cell.genLength))].sort((a, b) => a - b)

const perplexityChange = (cell: CellResult, plain: CellResult | undefined) => {
  const [ppl, reference] = [cell.quality.generativePerplexity, plain?.quality.generativePerplexity]
  return ppl === null || reference === null || reference === undefined ? undefined : (ppl / reference - 1) * 100
}

const table = (results: FastResults, genLength: number) => {
  const atN = results.cells.filter((cell) => cell.genLength === genLength)
  const plain = atN.find(isPlain)
  const ar = atN.find(isAr)
  return [
    `| N = ${genLength} | NFE | tokens / forward | wall ms median | speed-up vs plain LLaDA | time ÷ AR | ms / model call | outside model calls | gen-PPL (Δ vs plain) | entropy |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...atN.map((cell) => {
      const change = perplexityChange(cell, plain)
      return `| ${cell.label}${isPlain(cell) ? " (plain LLaDA, T = N)" : ""} | ${cell.nfe} | ${fixed(cell.tokensPerForward, 2)} | ${fixed(cell.wallMs.median, 0)} | ${
        plain === undefined ? "–" : `${fixed(plain.wallMs.median / cell.wallMs.median, 2)}×`
      } | ${ar === undefined ? "–" : `${fixed(cell.wallMs.median / ar.wallMs.median, 2)}×`} | ${fixed(cell.msPerModelCall, 2)} | ${fixed(cell.overheadShare * 100)} % | ${
        fixed(cell.quality.generativePerplexity, 2)
      }${change === undefined || isPlain(cell) ? "" : ` (${change >= 0 ? "+" : ""}${fixed(change)} %)`} | ${fixed(cell.quality.unigramEntropy, 2)} |`
    }),
  ].join("\n")
}

const BUCKETS: ReadonlyArray<readonly [number, number]> = [[0, 0], [1, 7], [8, 15], [16, 23], [24, 31]]

const driftTable = (results: FastResults) => {
  const rows = results.drift.flatMap((row) => [row])
  const lines = (["prefix", "dual"] as const).flatMap((cache) =>
    BUCKETS.flatMap(([from, to]) => {
      const inBucket = rows.filter((row) => row.cache === cache && row.stepsSinceFill >= from && row.stepsSinceFill <= to)
      if (inBucket.length === 0) return []
      const maxima = inBucket.flatMap((row) => row.maxAbsLogitDiff.samples).sort((a, b) => a - b)
      const calls = inBucket.reduce((sum, row) => sum + row.calls, 0)
      const agreement = inBucket.reduce((sum, row) => sum + row.top1Agreement * row.calls, 0) / calls
      const quantile = (q: number) => maxima[Math.min(maxima.length - 1, Math.floor(q * maxima.length))]
      return [`| ${cache} | ${from === to ? from : `${from}–${to}`} | ${calls} | ${fixed(quantile(0.5), 4)} | ${fixed(quantile(0.95), 4)} | ${fixed(maxima.at(-1), 4)} | ${fixed(agreement * 100)} % |`]
    })
  )
  return [
    "| cache | steps since the fill | calls | max \\|Δ logit\\| median | p95 | max | top-1 agreement |",
    "|---|---|---:|---:|---:|---:|---:|",
    ...lines,
  ].join("\n")
}

/** The headline: the issue's target setting against plain sampling and AR at the longest N. */
const answer = (results: FastResults, model: CostModel | undefined) => {
  const longest = genLengths(results).at(-1)
  const atN = results.cells.filter((cell) => cell.genLength === longest)
  const [plain, target, ar] = [atN.find(isPlain), atN.find(isTarget), atN.find(isAr)]
  if (plain === undefined || target === undefined || ar === undefined) return "The fast grid lacks the plain, target or AR cell."
  const fastest = [...atN].filter((cell) => !isAr(cell)).sort((a, b) => a.wallMs.median - b.wallMs.median)[0]!
  const headOff = atN.find((cell) => cell.sampler.kind === "cached" && cell.sampler.cache === "dual" && cell.sampler.threshold === 0.9 && !cell.sampler.confidenceHead)
  const change = perplexityChange(target, plain)
  const fastestChange = perplexityChange(fastest, plain)
  const window = (fastest.sampler.kind === "cached" ? fastest.sampler.blockLength : results.axes.blockLength) + 1
  return [
    `At N = ${longest}, P = ${results.axes.promptLength} (+ BOS), greedy, on this machine:`,
    "",
    `- **dual cache + threshold 0.9 (+ fused confidence head)** is **${fixed(plain.wallMs.median / target.wallMs.median, 2)}×** faster than plain LLaDA sampling with T = N ` +
    `(${fixed(target.wallMs.median, 0)} vs ${fixed(plain.wallMs.median, 0)} ms), gen-PPL ${fixed(target.quality.generativePerplexity, 2)} vs ${fixed(plain.quality.generativePerplexity, 2)} ` +
    `(${change === undefined ? "–" : `${change >= 0 ? "+" : ""}${fixed(change)} %`}), NFE ${target.nfe} for ${longest} tokens` +
    (target.nfe > 0.9 * (longest ?? 0) ? ": this model rarely reaches 0.9 confidence, so the speed-up is the cache's (and the head's), not parallel decoding's." : "."),
    `- The fastest diffusion setting measured is **${fastest.label}**: ${fixed(plain.wallMs.median / fastest.wallMs.median, 2)}× plain LLaDA, NFE ${fastest.nfe}, ` +
    `gen-PPL ${fixed(fastest.quality.generativePerplexity, 2)} (${fastestChange === undefined ? "–" : `${fastestChange >= 0 ? "+" : ""}${fixed(fastestChange)} %`}).`,
    `- The AR baseline with its KV cache still takes ${fixed(ar.wallMs.median, 0)} ms: the fastest diffusion setting needs **${fixed(fastest.wallMs.median / ar.wallMs.median, 2)}×** AR's time. ` +
    `What bounds it: a cached diffusion step costs ${fixed(fastest.msPerModelCall, 2)} ms in the model against ${fixed(ar.msPerModelCall, 2)} ms for an AR step ` +
    `(${fixed(fastest.msPerModelCall / ar.msPerModelCall, 2)}×: its window recomputes ${window - 1} + 1 positions where AR computes 1, plus one full forward per block; ` +
    `the sampler outside model calls is only ${fixed(fastest.overheadShare * 100)} % of its time), so diffusion must commit more than ` +
    `${fixed((fastest.wallMs.median / fastest.nfe) / (ar.wallMs.median / ar.nfe), 2)} tokens per call to win, and it commits ${fixed(fastest.tokensPerForward, 2)}: ` +
    `this small model's greedy confidences are rarely high at two positions at once (threshold 0.5 still takes ${
      atN.find((cell) => cell.sampler.kind === "cached" && cell.sampler.threshold === 0.5)?.nfe ?? "–"
    } calls for ${longest} tokens). The remaining gap is the model's confidence (tokens per forward), not the sampler or the cache.`,
    model === undefined ? "" : costModelLine(results, model, longest ?? 0, window),
    headOff === undefined ? "" : `- The fused confidence head (top-2 + entropy from the graph instead of ${"[B, L, V]"} logits) makes the same setting ` +
      `${fixed(headOff.wallMs.median / target.wallMs.median, 2)}× faster (${fixed(headOff.wallMs.median, 0)} → ${fixed(target.wallMs.median, 0)} ms); kept.`,
  ].filter((line) => line !== "").join("\n")
}

export const fastLatencyChart = (allResults: FastResults): ChartSpec => {
  const results = defaultModelOnly(allResults)
  const byLabel = new Map<string, Array<CellResult>>()
  for (const cell of results.cells) byLabel.set(cell.label, [...(byLabel.get(cell.label) ?? []), cell])
  const shown = [...byLabel.entries()].filter(([, cells]) =>
    cells.some((cell) => isPlain(cell) || isTarget(cell) || isAr(cell) || cell.sampler.kind === "semiAr" || (cell.sampler.kind === "cached" && cell.sampler.threshold === undefined && cell.sampler.factor === undefined))
  )
  const series: Array<Series> = shown.map(([label, cells]) => ({
    name: isPlain(cells[0]!) ? "plain LLaDA (T = N)" : label,
    style: isAr(cells[0]!) ? "dashed" : "line",
    points: cells.map((cell) => [cell.genLength, cell.wallMs.median] as const),
  }))
  return {
    title: `Fast decoding: latency vs N, greedy, P = ${results.axes.promptLength} (median of repeats)`,
    x: { title: "generated tokens N", unit: "tokens" },
    y: { title: "wall time per generation", unit: "ms", scale: "log" },
    series,
  }
}

/** The report's section on Fast-dLLM's techniques, from `bench/results/fast.json`. */
export const renderFastSection = (allResults: FastResults, fastFile: string, chartFile: string, model?: CostModel): string => {
  const results = defaultModelOnly(allResults)
  return `## Fast decoding: block KV caches, parallel rules, fused confidence head

From \`${fastFile}\` (\`npm run bench:fast -w @unmask/bench\`, started ${results.startedAt}, ${results.durationSeconds} s; load average at start ${
    results.machine.loadAverage.join(" / ")
  }). Greedy (temperature 0), low-confidence remasking, blocks of ${results.axes.blockLength}, ${results.axes.warmupRuns} warm-up run(s) then ${results.axes.repeats} interleaved rounds (every cell once per round) (fixed prompts cut to P = ${results.axes.promptLength} tokens after BOS).
The issue asks for N = 256, P = 64: that is 321 positions and this model's context is 256, so the longest setting here is N = ${
    genLengths(results).at(-1)
  } with P = ${results.axes.promptLength} + BOS, which fills the context exactly.

${answer(results, model)}

![fast decoding latency](${chartFile})

${genLengths(results).map((genLength) => table(results, genLength)).join("\n\n")}

### Drift of the block caches

Every cached call of ${results.axes.drift.prompts} greedy generations (N = ${results.axes.drift.genLength}, threshold 0.9) was repeated as a full forward on the same canvas and
compared at the window's still-masked positions. Step 0 is the fill (a full forward itself); later steps reuse keys/values
computed before the block's latest commits.

${driftTable(results)}
`
}

/** This section is about the shipped `diffusion` model; other models have theirs ("Trained for parallel decoding"). */
const defaultModelOnly = (results: FastResults): FastResults => ({ ...results, cells: results.cells.filter((cell) => cell.diffusionModel === undefined) })
