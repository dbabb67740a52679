import { Schema } from "effect"

/** A model call failed (runtime error in the adapter, wrong shapes, closed session...). */
export class ModelError extends Schema.TaggedError<ModelError>()("ModelError", {
  message: Schema.String,
}) {}
