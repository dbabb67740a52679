import { TemplateSegments } from "@unmask/core";
import { Schema } from "effect";
import { strictStandardSchema } from "../validation/standardSchema.js";

/**
 * Body of the native `POST /v1/generate`: the worker's own request shape. Only types are checked
 * here; ranges and the block structure are core's (see generation/samplerParams.ts).
 */
export const NativeGenerateBody = strictStandardSchema(
  Schema.Struct({
    /** Required unless `segments` lays out the canvas (then the text before them, default ""). */
    prompt: Schema.optionalKey(Schema.String),
    mode: Schema.Literals(["diffusion", "ar"]),
    /** A served model's public id (`GET /v1/models`) of this mode; default: the first model of the mode. */
    model: Schema.optionalKey(Schema.String),
    maxTokens: Schema.optionalKey(Schema.Number),
    steps: Schema.optionalKey(Schema.Number),
    blockLength: Schema.optionalKey(Schema.Number),
    remasking: Schema.optionalKey(Schema.Literals(["low_confidence", "random", "margin", "entropy"])),
    temperature: Schema.optionalKey(Schema.Number),
    topK: Schema.optionalKey(Schema.Number),
    topP: Schema.optionalKey(Schema.Number),
    cfgScale: Schema.optionalKey(Schema.Number),
    threshold: Schema.optionalKey(Schema.Number),
    factor: Schema.optionalKey(Schema.Number),
    cache: Schema.optionalKey(Schema.Literals(["none", "prefix", "dual"])),
    seed: Schema.optionalKey(Schema.Number),
    /** Score each generated token and list this many alternatives (0..MAX_LOGPROBS): the answer's `logprobs`. */
    logprobs: Schema.optionalKey(Schema.Number),
    stream: Schema.optionalKey(Schema.Boolean),
    /** Infilling: the text after the generated part (diffusion models). */
    suffix: Schema.optionalKey(Schema.String),
    /** Infilling: the canvas after the prompt as text and masked spans, in order (diffusion models). */
    segments: Schema.optionalKey(TemplateSegments),
  }),
);
