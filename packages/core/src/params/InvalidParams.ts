import { Schema } from "effect"

/** Sampler parameters were rejected: `field` is the offending path (e.g. "blockLength"), `message` says why. */
export class InvalidParams extends Schema.TaggedError<InvalidParams>()("InvalidParams", {
  field: Schema.String,
  message: Schema.String,
}) {}
