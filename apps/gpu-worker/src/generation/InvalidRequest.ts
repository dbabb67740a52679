import { Schema } from "effect"

/** A request the worker will not run (400); `field` names the offending body field when there is one. */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", {
  field: Schema.optionalKey(Schema.String),
  message: Schema.String,
}) {}
