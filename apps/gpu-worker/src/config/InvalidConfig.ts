import { Schema } from "effect"

/** A start-up configuration problem; `variable` names the environment variable to fix. */
export class InvalidConfig extends Schema.TaggedError<InvalidConfig>()("InvalidConfig", {
  variable: Schema.String,
  message: Schema.String,
}) {}
