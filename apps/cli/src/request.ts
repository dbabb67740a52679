import { type CliOptions, type GenerationMode, type SamplerOptions, WORKER_DEFAULT_MAX_TOKENS } from "./options.js"

/** The fields each mode sends; the others are left out (the worker would ignore them). */
const FIELDS: Readonly<Record<GenerationMode, ReadonlyArray<keyof SamplerOptions>>> = {
  diffusion: [
    "maxTokens",
    "steps",
    "blockLength",
    "remasking",
    "temperature",
    "cfgScale",
    "threshold",
    "factor",
    "cache",
    "seed",
  ],
  ar: ["maxTokens", "temperature", "topK", "topP", "seed"],
}

export type GenerateBody = Readonly<Record<string, string | number | boolean>>

/** `--model` names the model of the chosen mode; with `--compare`, of the diffusion run (AR keeps the worker's default). */
export const modelOfRun = (options: Pick<CliOptions, "model" | "compare">, mode: GenerationMode): string | undefined =>
  options.compare && mode === "ar" ? undefined : options.model

/** `--suffix` applies to the diffusion run only: an AR model cannot condition on the right. */
export const suffixOfRun = (options: Pick<CliOptions, "suffix">, mode: GenerationMode): string | undefined =>
  mode === "diffusion" ? options.suffix : undefined

/**
 * The streaming `POST /v1/generate` body: prompt, mode, the model when one is named, the suffix
 * when infilling, and the given options that apply to the mode.
 */
export const generateBody = (prompt: string, mode: GenerationMode, sampler: SamplerOptions, model?: string, suffix?: string): GenerateBody => {
  const body: Record<string, string | number | boolean> = { prompt, mode }
  if (model !== undefined) body["model"] = model
  if (suffix !== undefined) body["suffix"] = suffix
  for (const field of FIELDS[mode]) {
    const value = sampler[field]
    if (value !== undefined) body[field] = value
  }
  body["stream"] = true
  return body
}

/** What the progress display expects: tokens, steps and blocks. */
export interface Plan {
  readonly length: number
  /** The step count; with threshold/factor (Fast-dLLM) only an upper bound: one token per step at least. */
  readonly steps: number
  readonly dynamic: boolean
  readonly blocks: number
}

/** `12/32`, or `12/≤32` when the step count is dynamic. */
export const stepOfPlan = (step: number, plan: Plan): string => `${step}/${plan.dynamic ? "≤" : ""}${plan.steps}`

export const expectedPlan = (mode: GenerationMode, sampler: SamplerOptions): Plan => {
  const length = sampler.maxTokens ?? WORKER_DEFAULT_MAX_TOKENS
  if (mode === "ar") return { length, steps: length, dynamic: false, blocks: 1 }
  const blockLength = sampler.blockLength ?? length
  const dynamic = sampler.threshold !== undefined || sampler.factor !== undefined
  return {
    length,
    ...(dynamic ? { steps: length, dynamic } : { steps: sampler.steps ?? length, dynamic }),
    blocks: blockLength > 0 && length % blockLength === 0 ? length / blockLength : 1,
  }
}
