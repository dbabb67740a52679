import { AR_ONLY_FIELDS, DEFAULT_GEN_LENGTH, DIFFUSION_ONLY_FIELDS, type SamplerField } from "@unmask/core"
import type { GenerateRequest } from "@unmask/wire"
import type { CliOptions, GenerationMode, SamplerOptions } from "./options.js"

/** The fields each mode sends; the others are left out (the worker would refuse them). The CLI does not ask for logprobs. */
const FIELDS: Readonly<Record<GenerationMode, ReadonlyArray<SamplerField & keyof SamplerOptions>>> = {
  diffusion: ["maxTokens", "temperature", "seed", ...DIFFUSION_ONLY_FIELDS],
  ar: ["maxTokens", "temperature", "seed", ...AR_ONLY_FIELDS],
}

/** The worker's request body (`@unmask/wire`'s `GenerateRequest`), as the edge forwards it too. */
export type GenerateBody = GenerateRequest

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
export const generateBody = (prompt: string, mode: GenerationMode, sampler: SamplerOptions, model?: string, suffix?: string): GenerateBody => ({
  prompt,
  mode,
  ...(model === undefined ? {} : { model }),
  ...(suffix === undefined ? {} : { suffix }),
  ...Object.fromEntries(FIELDS[mode].flatMap((field) => sampler[field] === undefined ? [] : [[field, sampler[field]]])),
  stream: true,
})

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
  const length = sampler.maxTokens ?? DEFAULT_GEN_LENGTH
  if (mode === "ar") return { length, steps: length, dynamic: false, blocks: 1 }
  const blockLength = sampler.blockLength ?? length
  const dynamic = sampler.threshold !== undefined || sampler.factor !== undefined
  return {
    length,
    ...(dynamic ? { steps: length, dynamic } : { steps: sampler.steps ?? length, dynamic }),
    blocks: blockLength > 0 && length % blockLength === 0 ? length / blockLength : 1,
  }
}
