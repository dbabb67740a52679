import { Schema } from "effect"

/**
 * The one error body of the edge and the worker: `{ error: { code, message, type?, field? } }`.
 * `code` stays a string when read, so that a client still shows a code it does not know yet;
 * servers write an `ErrorCode`. `type` is OpenAI's error type (the edge sets it), `field` names
 * the offending request field when there is one.
 */
export const ErrorBody = Schema.Struct({
  error: Schema.Struct({
    code: Schema.String,
    message: Schema.String,
    type: Schema.optionalKey(Schema.String),
    field: Schema.optionalKey(Schema.String),
  }),
})
export type ErrorBody = typeof ErrorBody.Type

const decodeOption = Schema.decodeUnknownOption(ErrorBody)

/** Reads an error body out of a parsed answer; undefined when it is not that shape. */
export const decodeErrorBody = (value: unknown): ErrorBody | undefined => {
  const decoded = decodeOption(value)
  return decoded._tag === "Some" ? decoded.value : undefined
}
