import type { ErrorBody, ErrorCode } from "@unmask/wire";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

const typeByStatus = (status: number): string =>
  status === 401 ? "authentication_error"
    : status === 429 ? "rate_limit_error"
      : status >= 500 ? "server_error"
        : "invalid_request_error";

/**
 * A failure that becomes a JSON error response with the given status, code (@unmask/wire's one
 * list) and headers; the body is wire's error body, with OpenAI's `type` always set.
 */
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
