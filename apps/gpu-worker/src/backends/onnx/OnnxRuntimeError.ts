import { Schema } from "effect"

/** onnxruntime refused to create a session or to run one. */
export class OnnxRuntimeError extends Schema.TaggedError<OnnxRuntimeError>()("OnnxRuntimeError", {
  message: Schema.String,
}) {}
