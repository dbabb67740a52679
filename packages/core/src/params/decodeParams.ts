import { Effect, Schema, SchemaIssue } from "effect"
import { InvalidParams } from "./InvalidParams.js"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * Turns a Schema failure into `InvalidParams` naming the first offending field path, joined with
 * dots ("params.stop.0"); the path is "" when the input as a whole is wrong (e.g. not an object).
 */
export const toInvalidParams = (error: Schema.SchemaError): InvalidParams => {
  const [first] = formatter(error.issue).issues
  const field = (first?.path ?? []).map((key) => typeof key === "object" ? String(key.key) : String(key)).join(".")
  return new InvalidParams({ field, message: first?.message ?? error.message })
}

/** Decodes untrusted input (a request body, a CLI flag set) with `schema`, failing with `InvalidParams`. */
export const decodeParams = <S extends Schema.Top & { readonly DecodingServices: never }>(schema: S) => {
  const decode = Schema.decodeUnknownEffect(schema)
  return (input: unknown): Effect.Effect<S["Type"], InvalidParams> =>
    decode(input).pipe(Effect.mapError(toInvalidParams))
}
