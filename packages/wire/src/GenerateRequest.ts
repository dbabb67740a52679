import { TemplateSegments } from "@unmask/core"
import { Schema } from "effect"

/** An optional field; `null` is accepted and means "not given". */
const optional = <S extends Schema.Top>(schema: S) => Schema.optionalKey(Schema.NullOr(schema))

/**
 * The body of the worker's `POST /v1/generate`, as the edge forwards it and the CLI sends it. Only
 * the shape is checked here; defaults, ranges, the diffusion block structure and the refusal of a
 * parameter of the other mode come from core's `resolveGenerationParams`.
 */
export const GenerateRequest = Schema.Struct({
  prompt: Schema.String,
  mode: Schema.optionalKey(Schema.Literals(["diffusion", "ar"])),
  /** A loaded model's directory name; default: the mode's default model (`diffusion`, `ar`). */
  model: optional(Schema.String),
  maxTokens: optional(Schema.Number),
  steps: optional(Schema.Number),
  blockLength: optional(Schema.Number),
  remasking: optional(Schema.String),
  temperature: optional(Schema.Number),
  topK: optional(Schema.Number),
  topP: optional(Schema.Number),
  cfgScale: optional(Schema.Number),
  threshold: optional(Schema.Number),
  factor: optional(Schema.Number),
  cache: optional(Schema.String),
  seed: optional(Schema.Number),
  /** Score each generated token and list this many most likely alternatives (0..MAX_LOGPROBS); the answer then has `logprobs`. */
  logprobs: optional(Schema.Number),
  stream: optional(Schema.Boolean),
  /** Diffusion only: text after the generated part; the canvas is prompt, `maxTokens` masks, suffix. */
  suffix: optional(Schema.String),
  /** Diffusion only: the canvas after the prompt, text and masked spans in order; the masks are `maxTokens`. */
  segments: optional(TemplateSegments),
})
export type GenerateRequest = typeof GenerateRequest.Type
