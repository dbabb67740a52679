import { Option, Schema } from "effect"
import { ErrorCode } from "./ErrorCode.js"

/**
 * The one error body of the edge and the worker: `{ error: { code, message, type?, field? } }`.
 * `type` is OpenAI's error type (the edge sets it), `field` names the offending request field
 * when there is one.
 */
export const ErrorBody = Schema.Struct({
  error: Schema.Struct({
    code: ErrorCode,
    message: Schema.String,
    type: Schema.optionalKey(Schema.String),
    field: Schema.optionalKey(Schema.String),
  }),
})
export type ErrorBody = typeof ErrorBody.Type

const decodeOption = Schema.decodeUnknownOption(ErrorBody)

/** Reads an error body out of a parsed answer; undefined when it is not that shape or its code is not in the list. */
export const decodeErrorBody = (value: unknown): ErrorBody | undefined => Option.getOrUndefined(decodeOption(value))
