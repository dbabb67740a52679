import type { CallTiming, GridResults } from "../grid/GridResults.js"

/** A ratio of two quantities measured in the same run; absolute times never reach the gate. */
export interface GateMetric {
  readonly name: string
  readonly description: string
  readonly value: number
  readonly better: "higher" | "lower"
}

const find = <T>(items: ReadonlyArray<T>, predicate: (item: T) => boolean, what: string): T => {
  const found = items.find(predicate)
  if (found === undefined) throw new Error(`the grid has no ${what}; run it with the preset the gate was made for`)
  return found
}

const longest = (calls: ReadonlyArray<CallTiming>, key: "length" | "pastLength") =>
  calls.reduce((best, call) => (call[key] > best[key] ? call : best))

/** The ratios the CI gate watches, all at the grid's largest N with P = 0. */
export const gateMetrics = (results: GridResults): Array<GateMetric> => {
  const genLength = Math.max(...results.cells.filter((cell) => cell.promptLength === 0).map((cell) => cell.genLength))
  const atN = results.cells.filter((cell) => cell.promptLength === 0 && cell.genLength === genLength)
  const ar = find(atN, (cell) => cell.sampler.kind === "ar", `AR cell at N = ${genLength}`)
  const quarter = find(atN, (cell) => cell.sampler.kind === "vanilla" && cell.steps === genLength / 4, `vanilla T = N/4 cell at N = ${genLength}`)
  const full = find(atN, (cell) => cell.sampler.kind === "vanilla" && cell.steps === genLength, `vanilla T = N cell at N = ${genLength}`)
  const batches = results.calls.diffusionBatches
  const single = find(batches, (call) => call.batch === 1, "batch-1 diffusion call")
  const widest = batches.reduce((best, call) => (call.batch > best.batch ? call : best))
  const diffusionCall = longest(results.calls.diffusion, "length")
  const arStep = longest(results.calls.arStep, "pastLength")
  return [
    {
      name: `diffusion T=N/4 vs AR tokens/s (N=${genLength})`,
      description: "vanilla diffusion at 4 tokens per step over the KV-cached AR baseline, same N and prompts",
      value: quarter.tokensPerSecond / ar.tokensPerSecond,
      better: "higher",
    },
    {
      name: `batching gain (B=${widest.batch} vs 1, L=${widest.length})`,
      description: "rows per second of one batched diffusion call over batch-1 calls",
      value: (widest.batch * single.ms.median) / widest.ms.median,
      better: "higher",
    },
    {
      name: `wall / model time (vanilla T=N=${genLength})`,
      description: "sampler overhead outside model calls: 1.00 means none",
      value: 1 / (1 - full.overheadShare),
      better: "lower",
    },
    {
      name: `diffusion call (L=${diffusionCall.length}) / AR step (past ${arStep.pastLength})`,
      description: "F_diff / F_AR: the tokens per forward diffusion needs to break even",
      value: diffusionCall.ms.median / arStep.ms.median,
      better: "lower",
    },
  ]
}
