import { Schema } from "effect";
import { strictStandardSchema } from "../validation/standardSchema.js";

/** OpenAI's `stop`: one string or up to four, none empty. */
const Stop = Schema.Union([
  Schema.String.check(Schema.isNonEmpty()),
  Schema.Array(Schema.String.check(Schema.isNonEmpty())).check(Schema.isMaxLength(4)),
]);

/**
 * Body of `POST /v1/completions`: OpenAI's fields (`suffix` included) plus the diffusion extras (`steps`,
 * `block_length`, `remasking`, `threshold`, `factor`, `cache`, `cfg_scale`) and `top_k` for AR models. The model id
 * chooses the mode. Types are checked here; ranges are core's (generation/samplerParams.ts).
 */
export const CompletionBody = strictStandardSchema(
  Schema.Struct({
    model: Schema.String,
    /** One text, or several (each gets `n` choices); token-id prompts are refused in `completionPrompts`. */
    prompt: Schema.Union([Schema.String, Schema.Array(Schema.Unknown)]),
    /** Return the prompt ahead of each choice's text. */
    echo: Schema.optionalKey(Schema.Boolean),
    /** OpenAI's legacy infilling field: text after the completion, which becomes the middle (diffusion models). */
    suffix: Schema.optionalKey(Schema.NullOr(Schema.String)),
    max_tokens: Schema.optionalKey(Schema.Number),
    temperature: Schema.optionalKey(Schema.Number),
    top_p: Schema.optionalKey(Schema.Number),
    top_k: Schema.optionalKey(Schema.Number),
    seed: Schema.optionalKey(Schema.Number),
    n: Schema.optionalKey(Schema.Number),
    stop: Schema.optionalKey(Schema.NullOr(Stop)),
    stream: Schema.optionalKey(Schema.Boolean),
    stream_options: Schema.optionalKey(Schema.NullOr(Schema.Struct({ include_usage: Schema.optionalKey(Schema.Boolean) }))),
    /** Score each generated token and list this many alternatives (0..MAX_LOGPROBS, core's range); not with `stream`. */
    logprobs: Schema.optionalKey(Schema.NullOr(Schema.Number)),
    steps: Schema.optionalKey(Schema.Number),
    block_length: Schema.optionalKey(Schema.Number),
    remasking: Schema.optionalKey(Schema.Literals(["low_confidence", "random", "margin", "entropy"])),
    threshold: Schema.optionalKey(Schema.Number),
    factor: Schema.optionalKey(Schema.Number),
    cache: Schema.optionalKey(Schema.Literals(["none", "prefix", "dual"])),
    cfg_scale: Schema.optionalKey(Schema.Number),
  }),
);
export type CompletionBody = typeof CompletionBody.Type;

/** The most choices one prompt may ask for (`n`). */
export const MAX_CHOICES_PER_PROMPT = 8;
/** The most prompts in one request's `prompt` array; with `n`, at most this many generations in all. */
export const MAX_GENERATIONS_PER_REQUEST = 16;

/** The OpenAI API spells the worker's camelCase fields in snake_case. */
export const snakeCase = (field: string): string => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
