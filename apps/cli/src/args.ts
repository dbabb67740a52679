import {
  CacheMode,
  MAX_CFG_SCALE,
  MAX_FACTOR,
  MAX_GEN_LENGTH,
  MAX_SEED,
  MAX_STEPS,
  MAX_TEMPERATURE,
  MAX_TOP_K,
  Remasking,
} from "@unmask/core"
import { parseArgs, type ParseArgsConfig } from "node:util"
import { UsageError } from "./errors.js"
import { type CliOptions, DEFAULT_URL, type GenerationMode, type SamplerOptions } from "./options.js"

export type ParsedCommand =
  | { readonly _tag: "Run"; readonly options: CliOptions; readonly warnings: ReadonlyArray<string> }
  | { readonly _tag: "Help" }
  /** No prompt among the arguments: read it from stdin (when stdin is not a terminal). */
  | { readonly _tag: "NeedsPrompt"; readonly complete: (prompt: string) => ParsedCommand }

type Applies = "diffusion" | "ar" | "both"

interface NumberRule {
  readonly kind: "number"
  readonly key: keyof SamplerOptions
  readonly integer: boolean
  readonly min: number
  readonly max: number
  readonly minExclusive?: boolean
  readonly applies: Applies
}
interface ChoiceRule {
  readonly kind: "choice"
  readonly key: keyof SamplerOptions
  readonly choices: ReadonlyArray<string>
  readonly applies: Applies
}

/** Every sampler flag, its request field, its accepted values (core's limits) and the mode it applies to. */
export const SAMPLER_FLAGS: Readonly<Record<string, NumberRule | ChoiceRule>> = {
  length: { kind: "number", key: "maxTokens", integer: true, min: 1, max: MAX_GEN_LENGTH, applies: "both" },
  steps: { kind: "number", key: "steps", integer: true, min: 1, max: MAX_STEPS, applies: "diffusion" },
  "block-length": { kind: "number", key: "blockLength", integer: true, min: 1, max: MAX_GEN_LENGTH, applies: "diffusion" },
  remasking: { kind: "choice", key: "remasking", choices: Remasking.literals, applies: "diffusion" },
  temperature: { kind: "number", key: "temperature", integer: false, min: 0, max: MAX_TEMPERATURE, applies: "both" },
  "cfg-scale": { kind: "number", key: "cfgScale", integer: false, min: 0, max: MAX_CFG_SCALE, applies: "diffusion" },
  threshold: { kind: "number", key: "threshold", integer: false, min: 0, max: 1, applies: "diffusion" },
  factor: { kind: "number", key: "factor", integer: false, min: 0, max: MAX_FACTOR, minExclusive: true, applies: "diffusion" },
  cache: { kind: "choice", key: "cache", choices: CacheMode.literals, applies: "diffusion" },
  seed: { kind: "number", key: "seed", integer: true, min: 0, max: MAX_SEED, applies: "both" },
  "top-k": { kind: "number", key: "topK", integer: true, min: 1, max: MAX_TOP_K, applies: "ar" },
  "top-p": { kind: "number", key: "topP", integer: false, min: 0, max: 1, minExclusive: true, applies: "ar" },
}

const describeRange = (rule: NumberRule): string => {
  const kind = rule.integer ? "an integer" : "a number"
  if (rule.max === MAX_SEED) return `${kind} from 0 to ${MAX_SEED}`
  const low = rule.minExclusive === true ? `greater than ${rule.min}` : `from ${rule.min}`
  return `${kind} ${low} ${rule.minExclusive === true ? "and at most" : "to"} ${rule.max}`
}

const parseNumber = (flag: string, rule: NumberRule, raw: string): number => {
  const text = raw.trim()
  const value = text === "" ? Number.NaN : Number(text)
  const ok = Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.minExclusive === true ? value > rule.min : value >= rule.min) &&
    value <= rule.max
  if (!ok) throw new UsageError(`--${flag} must be ${describeRange(rule)}, got "${raw}"`)
  return value
}

const parseChoice = (flag: string, rule: ChoiceRule, raw: string): string => {
  if (!rule.choices.includes(raw)) {
    throw new UsageError(`--${flag} must be one of ${rule.choices.join(", ")}, got "${raw}"`)
  }
  return raw
}

const FLAGS = {
  url: { type: "string" },
  secret: { type: "string" },
  local: { type: "boolean" },
  mode: { type: "string" },
  model: { type: "string" },
  compare: { type: "boolean" },
  suffix: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  ...Object.fromEntries(Object.keys(SAMPLER_FLAGS).map((flag) => [flag, { type: "string" }])),
} as const satisfies NonNullable<ParseArgsConfig["options"]>

/** node:util's messages, reworded for a command line user. */
const rephrase = (error: unknown): UsageError => {
  const code = (error as { code?: unknown }).code
  const message = error instanceof Error ? error.message : String(error)
  const flag = /'(-[^' ]+)/.exec(message)?.[1]
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return new UsageError(`unknown option ${flag ?? message}`)
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (message.includes("ambiguous")) {
      return new UsageError(`${flag} needs a value; write a value that starts with "-" as ${flag}=VALUE`)
    }
    if (message.includes("does not take an argument")) return new UsageError(`${flag} does not take a value`)
    return new UsageError(`${flag} needs a value`)
  }
  return new UsageError(message)
}

/** The worker's model directory names. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

const parseModel = (raw: string): string => {
  if (!MODEL_NAME.test(raw)) throw new UsageError(`--model must be a worker model name such as diffusion-fast, got "${raw}"`)
  return raw
}

const parseUrl = (raw: string): string => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UsageError(`--url must be an http(s) URL such as ${DEFAULT_URL}, got "${raw}"`)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--url must be an http(s) URL such as ${DEFAULT_URL}, got "${raw}"`)
  }
  return raw.replace(/\/+$/, "")
}

/**
 * Parses `unmask [options] <prompt...>`. Throws `UsageError` with a one-line message for unknown
 * flags, missing or malformed values and conflicting flags. `env` supplies `EDGE_SHARED_SECRET`.
 */
export const parseCommand = (
  argv: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>>,
): ParsedCommand => {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true; strict: true }>>
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true })
  } catch (error) {
    throw rephrase(error)
  }
  const values = parsed.values as Readonly<Record<string, string | boolean | undefined>>
  if (values["help"] === true) return { _tag: "Help" }

  const modeRaw = values["mode"]
  if (modeRaw !== undefined && modeRaw !== "diffusion" && modeRaw !== "ar") {
    throw new UsageError(`--mode must be diffusion or ar, got "${String(modeRaw)}"`)
  }
  const mode: GenerationMode = modeRaw ?? "diffusion"
  const compare = values["compare"] === true
  if (compare && modeRaw !== undefined) throw new UsageError("--compare runs both modes; drop --mode")
  if (typeof values["suffix"] === "string" && mode === "ar" && !compare) {
    throw new UsageError("--suffix needs --mode diffusion: an autoregressive model cannot condition on text to its right")
  }
  if (values["json"] === true && values["quiet"] === true) throw new UsageError("--json and --quiet exclude each other")
  const urlRaw = values["url"]
  if (values["local"] === true && urlRaw !== undefined) {
    throw new UsageError("--local runs the models in this process; drop --url")
  }

  const sampler: Record<string, number | string> = {}
  const warnings: Array<string> = []
  for (const [flag, rule] of Object.entries(SAMPLER_FLAGS)) {
    const raw = values[flag]
    if (typeof raw !== "string") continue
    sampler[rule.key] = rule.kind === "number" ? parseNumber(flag, rule, raw) : parseChoice(flag, rule, raw)
    if (!compare && rule.applies !== "both" && rule.applies !== mode) {
      warnings.push(`--${flag} applies to --mode ${rule.applies} only; ignored`)
    }
  }

  const secretRaw = typeof values["secret"] === "string" ? values["secret"] : env["EDGE_SHARED_SECRET"]
  const build = (prompt: string): ParsedCommand => {
    if (prompt.trim() === "") throw new UsageError("the prompt is empty")
    return {
      _tag: "Run",
      warnings,
      options: {
        prompt,
        mode,
        model: typeof values["model"] === "string" ? parseModel(values["model"]) : undefined,
        suffix: typeof values["suffix"] === "string" ? values["suffix"] : undefined,
        compare,
        output: values["json"] === true ? "json" : values["quiet"] === true ? "quiet" : "auto",
        url: typeof urlRaw === "string" ? parseUrl(urlRaw) : DEFAULT_URL,
        urlExplicit: urlRaw !== undefined,
        local: values["local"] === true,
        secret: secretRaw === undefined || secretRaw === "" ? undefined : secretRaw,
        sampler: sampler as SamplerOptions,
      },
    }
  }
  if (parsed.positionals.length === 0) return { _tag: "NeedsPrompt", complete: build }
  return build(parsed.positionals.join(" "))
}
