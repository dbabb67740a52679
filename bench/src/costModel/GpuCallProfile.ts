import { existsSync, readFileSync } from "node:fs"
import { Schema } from "effect"
import type { CallTiming } from "../grid/GridResults.js"
import { summarize } from "../stats/summarize.js"

const MsByLength = Schema.Record(Schema.String, Schema.Number)

/** bench/results/gpu-calls.json, written by bench/gpu/profile_calls_torch.py in a GPU session. */
export const GpuCallProfile = Schema.Struct({
  measuredOn: Schema.String,
  command: Schema.String,
  diffusion: MsByLength,
  diffusionBatches: MsByLength,
  arStep: MsByLength,
  arStepHostKv: MsByLength,
})
export type GpuCallProfile = typeof GpuCallProfile.Type

export const readGpuCallProfile = (path: string): GpuCallProfile | undefined =>
  existsSync(path) ? Schema.decodeUnknownSync(GpuCallProfile)(JSON.parse(readFileSync(path, "utf8"))) : undefined

const timings = (byLength: Readonly<Record<string, number>>, shape: (length: number) => Omit<CallTiming, "ms">) =>
  Object.entries(byLength).map(([length, ms]): CallTiming => ({ ...shape(Number(length)), ms: summarize([ms]) }))

/** The GPU medians as the cost model's input; `hostKv` picks the worker's cache-on-host AR steps. */
export const gpuCallTimings = (profile: GpuCallProfile, hostKv: boolean) => ({
  diffusion: timings(profile.diffusion, (length) => ({ batch: 1, length, pastLength: 0 })),
  arStep: timings(hostKv ? profile.arStepHostKv : profile.arStep, (pastLength) => ({ batch: 1, length: 1, pastLength })),
})
