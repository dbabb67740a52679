import { Schema } from "effect"

/** A model directory could not be loaded at start-up (missing file, bad config, session failure). */
export class ModelLoadError extends Schema.TaggedError<ModelLoadError>()("ModelLoadError", {
  path: Schema.String,
  message: Schema.String,
}) {}
