import { Schema, SchemaIssue } from "effect";
import type { StandardSchemaV1 } from "effect/StandardSchema";
import { ApiError } from "../errors.js";

const leafHook: SchemaIssue.LeafHook = (issue) => {
  switch (issue._tag) {
    case "MissingKey":
      return "is required";
    case "UnexpectedKey":
      return "is not a supported parameter";
    default:
      return SchemaIssue.defaultLeafHook(issue);
  }
};

/** A Standard Schema of `schema` that reports every unknown key and speaks in short sentences. */
export const strictStandardSchema = <S extends Schema.ConstraintDecoder<unknown>>(schema: S) =>
  Schema.toStandardSchemaV1(schema, { leafHook, parseOptions: { onExcessProperty: "error" } });

/**
 * Like `strictStandardSchema`, but keys the schema does not name are ignored: for a body only a few
 * of whose fields are read before it is refused (OpenAI's chat completions).
 */
export const lenientStandardSchema = <S extends Schema.ConstraintDecoder<unknown>>(schema: S) =>
  Schema.toStandardSchemaV1(schema, { leafHook });

/** How a client names a field; the identity for the native API, snake_case for the OpenAI one. */
export type FieldNaming = (field: string) => string;

/** Renames the camelCase field names inside a message into the client's naming. */
export const renameFieldsIn = (text: string, naming: FieldNaming): string =>
  text.replace(/\b[a-z]+(?:[A-Z][a-z]*)+\b/g, naming);

/**
 * The 400 `invalid_parameter` for an issue at `path` (empty: the body as a whole), naming the field
 * in the client's own naming (field names inside the message are renamed too).
 */
export const invalidParameter = (path: ReadonlyArray<string>, issue: string | undefined, naming: FieldNaming): ApiError => {
  const field = path.length === 0 ? undefined : path.map((key, index) => (index === 0 ? naming(key) : key)).join(".");
  const detail = renameFieldsIn(issue ?? "is invalid", naming);
  // Schema messages are predicates ("Expected …", "is …"); core's cross-field checks are sentences.
  const predicate = detail.replace(/^Expected/, "must be");
  const isSentence = predicate === detail && !detail.startsWith("is ");
  const message = isSentence ? `${detail}.` : field === undefined ? `The request body ${predicate}.` : `"${field}" ${predicate}.`;
  return new ApiError(400, "invalid_parameter", message, field);
};

/** Validates `value`, or throws the `invalidParameter` error of its first issue. */
export const validate = <Output>(
  schema: StandardSchemaV1<unknown, Output>,
  value: unknown,
  naming: FieldNaming = (field) => field,
): Output => {
  const result = schema["~standard"].validate(value);
  if (result instanceof Promise) throw new Error("Schemas of this API are synchronous.");
  if (result.issues === undefined) return result.value;
  const [issue] = result.issues;
  throw invalidParameter((issue?.path ?? []).map((key) => String(typeof key === "object" ? key.key : key)), issue?.message, naming);
};
