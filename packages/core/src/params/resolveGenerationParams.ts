import { Effect } from "effect"
import { ArParams } from "./ArParams.js"
import { decodeParams } from "./decodeParams.js"
import { DiffusionParams, type Remasking } from "./DiffusionParams.js"
import { InvalidParams } from "./InvalidParams.js"

/** How many tokens a request generates when it names no length: the same at every door (edge, worker, CLI). */
export const DEFAULT_GEN_LENGTH = 64
/** The ranking of a diffusion request that names none: commit the most confident positions first. */
export const DEFAULT_REMASKING: Remasking = "low_confidence"

export type GenerationMode = "diffusion" | "ar"

/** Request fields that only a diffusion model reads. */
export const DIFFUSION_ONLY_FIELDS = ["steps", "blockLength", "remasking", "cfgScale", "threshold", "factor", "cache"] as const
/** Request fields that only an autoregressive model reads. */
export const AR_ONLY_FIELDS = ["topK", "topP"] as const

/** Request fields that both modes read, besides the length. */
const BOTH_MODES_FIELDS = ["temperature", "seed", "logprobs"] as const

/** The sampler fields of a request as the wire (the worker's and the edge's native API) names them. */
export type SamplerField =
  | "maxTokens"
  | typeof BOTH_MODES_FIELDS[number]
  | typeof DIFFUSION_ONLY_FIELDS[number]
  | typeof AR_ONLY_FIELDS[number]

/** A request's sampler fields, untrusted; `undefined` and `null` both mean "not given". */
export type SamplerFields = { readonly [K in SamplerField]?: unknown }

/** Decoded parameters of one request, for the sampler of its mode. */
export type ResolvedParams =
  | { readonly mode: "diffusion"; readonly params: DiffusionParams }
  | { readonly mode: "ar"; readonly params: ArParams }

const CORE_TO_WIRE: Readonly<Record<string, string>> = { genLength: "maxTokens", promptIds: "prompt" }

/** Core's name of a parameter (`genLength`, `promptIds`) as the wire spells it (`maxTokens`, `prompt`). */
export const wireFieldName = (coreField: string): string => CORE_TO_WIRE[coreField] ?? coreField

const given = (fields: SamplerFields, names: ReadonlyArray<SamplerField>): Record<string, unknown> =>
  Object.fromEntries(names.flatMap((name) => fields[name] === undefined || fields[name] === null ? [] : [[name, fields[name]]]))

const inWireNames = (error: InvalidParams): InvalidParams =>
  error.field === "" ? error : new InvalidParams({ field: wireFieldName(error.field), message: error.message })

const otherModeField = (mode: GenerationMode, fields: SamplerFields): InvalidParams | undefined => {
  const [misplaced] = Object.keys(given(fields, mode === "diffusion" ? AR_ONLY_FIELDS : DIFFUSION_ONLY_FIELDS))
  if (misplaced === undefined) return undefined
  const kind = mode === "diffusion" ? "autoregressive" : "diffusion"
  return new InvalidParams({ field: misplaced, message: `"${misplaced}" applies only to ${kind} models` })
}

/** What to do with a field of the other mode: the edge refuses it by name; the worker's API ignores it. */
export type OtherModeFields = "refuse" | "ignore"

/**
 * The one place a request's sampler fields become core parameters: fills the defaults (length
 * DEFAULT_GEN_LENGTH, diffusion steps = length, remasking DEFAULT_REMASKING), refuses (or ignores)
 * a field of the other mode by name, and decodes with core's schemas. Failures name the field as
 * the wire does.
 */
export const resolveGenerationParams = (
  mode: GenerationMode,
  fields: SamplerFields,
  otherMode: OtherModeFields = "refuse",
): Effect.Effect<ResolvedParams, InvalidParams> => {
  const misplaced = otherMode === "refuse" ? otherModeField(mode, fields) : undefined
  if (misplaced !== undefined) return Effect.fail(misplaced)
  const length = fields.maxTokens ?? DEFAULT_GEN_LENGTH
  const resolved: Effect.Effect<ResolvedParams, InvalidParams> = mode === "ar"
    ? decodeParams(ArParams)({ ...given(fields, [...BOTH_MODES_FIELDS, ...AR_ONLY_FIELDS]), maxTokens: length })
      .pipe(Effect.map((params) => ({ mode, params })))
    : decodeParams(DiffusionParams)({
      steps: length,
      remasking: DEFAULT_REMASKING,
      ...given(fields, [...BOTH_MODES_FIELDS, ...DIFFUSION_ONLY_FIELDS]),
      genLength: length,
    }).pipe(Effect.map((params) => ({ mode, params })))
  return Effect.mapError(resolved, inWireNames)
}

/** Resolved parameters in the wire's field names: the length always, the others where they apply. */
export type WireParams =
  & { readonly maxTokens: number }
  & Partial<Pick<DiffusionParams, typeof DIFFUSION_ONLY_FIELDS[number] | typeof BOTH_MODES_FIELDS[number]>>
  & Partial<Pick<ArParams, typeof AR_ONLY_FIELDS[number]>>

/** Resolved parameters as the wire's request fields: what the edge forwards once it has resolved a request. */
export const wireFields = (resolved: ResolvedParams): WireParams => {
  if (resolved.mode === "ar") {
    const { stopAtEos: _stopAtEos, ...rest } = resolved.params
    return rest
  }
  const { genLength, stopAtEos: _stopAtEos, ...rest } = resolved.params
  return { maxTokens: genLength, ...rest }
}
