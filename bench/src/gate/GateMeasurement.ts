import type { MachineDescription } from "../machine/describeMachine.js"
import type { GatePlan } from "./gatePreset.js"

/** One generation run: wall and process CPU time, in total and inside model calls. */
export interface RunSample {
  readonly wallMs: number
  readonly cpuMs: number
  readonly modelWallMs: number
  readonly modelCpuMs: number
  readonly nfe: number
}

/** Process CPU ms of single model calls. */
export interface CallSamples {
  /** Batch 1 over the BOS + N canvas. */
  readonly canvas: ReadonlyArray<number>
  /** `plan.batch` rows over the same canvas. */
  readonly canvasBatch: ReadonlyArray<number>
  /** Batch 1 over `plan.longLength` positions. */
  readonly diffusionLong: ReadonlyArray<number>
  /** One AR step after `plan.longLength − 1` cached positions. */
  readonly arStepLong: ReadonlyArray<number>
}

export interface GateRound {
  readonly ar: ReadonlyArray<RunSample>
  /** Vanilla diffusion, T = N / 4. */
  readonly quarter: ReadonlyArray<RunSample>
  /** Vanilla diffusion, T = N. */
  readonly full: ReadonlyArray<RunSample>
  /** Greedy plain LLaDA (one block, T = N) and greedy dual cache + threshold 0.9 (blocks of `plan.cacheBlock`): Fast-dLLM's speed-up. */
  readonly greedyPlain: ReadonlyArray<RunSample>
  readonly greedyDual: ReadonlyArray<RunSample>
  readonly calls: CallSamples
}

/** Everything one gate run measured; the metrics are computed from this alone (`bench:ci -- --from`). */
export interface GateMeasurement {
  readonly startedAt: string
  readonly machine: MachineDescription
  readonly plan: GatePlan
  /** Diffusion model calls made k times (`--slow-diffusion`), sampler work between calls repeated (`--slow-sampler`). */
  readonly injected: { readonly slowDiffusion: number; readonly slowSampler: number }
  readonly rounds: ReadonlyArray<GateRound>
}
