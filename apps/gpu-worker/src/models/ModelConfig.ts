import { Schema } from "effect"

/** The parts of `models/<name>/config.json` the worker relies on. */
export const ModelConfig = Schema.Struct({
  kind: Schema.Literals(["diffusion", "ar"]),
  vocab_size: Schema.Int,
  context_length: Schema.Int,
  special_tokens: Schema.Struct({
    eos: Schema.Int,
    mask: Schema.Int,
    pad: Schema.Int,
    bos: Schema.Int,
  }),
  /** Relative to the model directory. */
  tokenizer: Schema.String,
  graphs: Schema.Struct({ fp32: Schema.String, int8: Schema.optionalKey(Schema.String) }),
  /** The cache-aware diffusion graph (query positions + cached keys/values), when the model ships one. */
  cached_graphs: Schema.optionalKey(Schema.Struct({ fp32: Schema.String, int8: Schema.optionalKey(Schema.String) })),
  architecture: Schema.Struct({
    n_layer: Schema.Int,
    n_head: Schema.Int,
    head_dim: Schema.Int,
    /** Diffusion: row i − 1 of the raw logits predicts position i (Dream-style, initialised from an AR model). */
    shifted_logits: Schema.optionalKey(Schema.Boolean),
  }),
})
export type ModelConfig = typeof ModelConfig.Type

export type ModelKind = ModelConfig["kind"]
