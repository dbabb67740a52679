import type { StandardSchemaV1 } from "effect/StandardSchema";
import { createMiddleware } from "hono/factory";
import { validator } from "hono/validator";
import type { AppEnv } from "../appEnv.js";
import { ApiError } from "../errors.js";
import { type FieldNaming, validate } from "./standardSchema.js";

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

/** JSON text is UTF-8 (RFC 8259): a body with invalid byte sequences is refused, not patched with U+FFFD. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** 415 for a body that is not declared JSON, 400 `invalid_json` for one that is not UTF-8 or does not parse. */
const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim() ?? "";
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new ApiError(415, "unsupported_media_type", "The request body must be JSON, sent with Content-Type: application/json.");
  }
  let text: string;
  try {
    text = strictUtf8.decode(await c.req.arrayBuffer());
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid UTF-8.");
  }
  try {
    JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON.");
  }
  await next();
});

/**
 * The middleware pair for a JSON body checked against a Standard Schema (Effect schemas here):
 * spread it into a route, then read the result with `c.req.valid("json")`.
 */
export const jsonBody = <Output>(schema: StandardSchemaV1<unknown, Output>, naming?: FieldNaming) =>
  [requireJsonBody, validator("json", (value) => validate(schema, value, naming))] as const;
