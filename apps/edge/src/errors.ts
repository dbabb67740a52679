import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Stable machine-readable error codes; clients branch on these, never on messages. */
export type ErrorCode =
  | "invalid_api_key"
  | "invalid_admin_secret"
  | "admin_disabled"
  | "invalid_json"
  | "unsupported_media_type"
  | "invalid_parameter"
  | "unknown_model"
  | "unsupported_for_model"
  | "model_has_no_chat_template"
  | "context_length_exceeded"
  | "request_exceeds_token_limit"
  | "body_too_large"
  | "headers_too_large"
  | "rate_limited"
  | "ip_rate_limited"
  | "quota_exceeded"
  | "too_many_concurrent_requests"
  | "key_not_found"
  | "not_found"
  | "upstream_unavailable"
  | "upstream_busy"
  | "upstream_timeout"
  | "upstream_interrupted"
  | "upstream_rejected"
  | "server_misconfigured"
  | "internal_error";

/** The one error body shape of this API (OpenAI's `error` object plus an optional `field`). */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; type: string; field?: string };
}

const typeByStatus = (status: number): string =>
  status === 401 ? "authentication_error"
    : status === 429 ? "rate_limit_error"
      : status >= 500 ? "server_error"
        : "invalid_request_error";

/** A failure that becomes a JSON error response with the given status, code and headers. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        type: typeByStatus(this.status),
        ...(this.field === undefined ? {} : { field: this.field }),
      },
    };
  }
}

export const errorResponse = (c: Context, error: ApiError): Response => {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json(error.toBody(), error.status);
};

/** Authentication failures all look the same, whatever part of the key was wrong. */
export const invalidApiKey = (): ApiError =>
  new ApiError(401, "invalid_api_key", "Invalid or missing API key.", undefined, { "WWW-Authenticate": "Bearer" });
