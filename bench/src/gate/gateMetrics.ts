import { median } from "../stats/summarize.js"
import type { GateMeasurement, GateRound, RunSample } from "./GateMeasurement.js"

/** A ratio of two quantities measured in the same run; absolute times never reach the gate. */
export interface GateMetric {
  readonly name: string
  readonly description: string
  readonly value: number
  readonly better: "higher" | "lower"
  /** The lowest and highest value the run's rounds give on their own, when it had several. */
  readonly spread?: { readonly low: number; readonly high: number; readonly rounds: number }
}

const pooled = <T>(rounds: ReadonlyArray<GateRound>, pick: (round: GateRound) => ReadonlyArray<T>): Array<T> => rounds.flatMap(pick)

const check = (values: ReadonlyArray<number>, what: string) => {
  if (values.length === 0) throw new Error(`no samples of ${what}`)
  return values
}

/**
 * The fastest sample. On a shared machine other work only ever adds time, CPU time included:
 * a busy sibling hyperthread or a cold cache makes the same call take up to twice the CPU time
 * (seen here as two modes). The fastest of many samples is the undisturbed cost.
 */
const fastest = (values: ReadonlyArray<number>, what: string): number => Math.min(...check(values, what))

/** CPU time outside model calls per unit of CPU time inside them, for one run. */
const overhead = (run: RunSample) => (run.cpuMs - run.modelCpuMs) / run.modelCpuMs

/**
 * The gate's ratios from the given rounds' samples pooled, in process CPU time, not wall time
 * (a run that is preempted waits, which stretches wall time but not the CPU time it consumes).
 * Costs are the fastest sample; sampler overheads, a ratio within each run, the median over runs.
 */
const metricsOf = (plan: GateMeasurement["plan"], rounds: ReadonlyArray<GateRound>): Array<GateMetric> => {
  const n = plan.genLength
  const cpu = (pick: (round: GateRound) => ReadonlyArray<RunSample>, what: string) => fastest(pooled(rounds, pick).map((run) => run.cpuMs), what)
  const call = (pick: (round: GateRound) => ReadonlyArray<number>, what: string) => fastest(pooled(rounds, pick), what)
  const overheads = (pick: (round: GateRound) => ReadonlyArray<RunSample>, what: string) => median(check(pooled(rounds, pick).map(overhead), what))
  return [
    {
      name: `diffusion T=N/4 vs AR tokens per CPU-s (N=${n})`,
      description: "vanilla diffusion at 4 tokens per step over the KV-cached AR baseline, same N: CPU ms per token of AR / of diffusion",
      value: cpu((round) => round.ar, "AR runs") / cpu((round) => round.quarter, "T = N/4 runs"),
      better: "higher",
    },
    {
      name: `batching gain (B=${plan.batch} vs 1, L=${n + 1})`,
      description: "rows per CPU-s of one batched diffusion call over batch-1 calls: batched vs sequential throughput",
      value: (plan.batch * call((round) => round.calls.canvas, "batch-1 calls")) / call((round) => round.calls.canvasBatch, "batched calls"),
      better: "higher",
    },
    {
      name: `diffusion sampler overhead / model CPU (T=N=${n})`,
      description: "CPU time outside model calls per unit inside them, vanilla T = N: a 2× slower sampler doubles it",
      value: overheads((round) => round.full, "T = N runs"),
      better: "lower",
    },
    {
      name: `AR sampler overhead / model CPU (N=${n})`,
      description: "the same for the AR loop, so an AR slowdown cannot pass as a diffusion gain",
      value: overheads((round) => round.ar, "AR runs"),
      better: "lower",
    },
    {
      name: `dual cache vs plain LLaDA tokens per CPU-s (greedy, N=${n}, b=${plan.cacheBlock})`,
      description: "Fast-dLLM's dual cache + threshold 0.9 + confidence head over one-block T = N sampling, both greedy",
      value: cpu((round) => round.greedyPlain, "greedy plain runs") / cpu((round) => round.greedyDual, "greedy dual-cache runs"),
      better: "higher",
    },
    {
      name: `diffusion call (L=${plan.longLength}) / AR step (past ${plan.longLength - 1})`,
      description: "F_diff / F_AR in CPU time: the tokens per forward diffusion needs to break even",
      value: call((round) => round.calls.diffusionLong, "long diffusion calls") / call((round) => round.calls.arStepLong, "long AR steps"),
      better: "lower",
    },
  ]
}

/** The run's metrics from all rounds' samples pooled, each with the range the rounds give on their own. */
export const gateMetrics = (measurement: GateMeasurement): Array<GateMetric> => {
  const perRound = measurement.rounds.map((round) => metricsOf(measurement.plan, [round]))
  return metricsOf(measurement.plan, measurement.rounds).map((metric, index) => {
    const values = perRound.map((round) => round[index]!.value)
    return { ...metric, spread: { low: Math.min(...values), high: Math.max(...values), rounds: values.length } }
  })
}
