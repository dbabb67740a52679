import { ErrorCode } from "@unmask/wire"
import { Schema } from "effect"

/**
 * A request the worker will not run (400); `field` names the offending body field when there is one,
 * `code` replaces the generic `invalid_parameter` where a client should tell the case apart.
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", {
  code: Schema.optionalKey(ErrorCode.pick(["unknown_model", "unsupported_for_model"])),
  field: Schema.optionalKey(Schema.String),
  message: Schema.String,
}) {}
