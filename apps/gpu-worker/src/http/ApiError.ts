import type { ModelError } from "@unmask/core"
import type { ErrorBody, ErrorCode } from "@unmask/wire"
import type { InvalidRequest } from "../generation/InvalidRequest.js"
import type { QueueFull } from "../scheduler/QueueFull.js"

export interface ApiError {
  readonly status: 400 | 401 | 403 | 404 | 413 | 500 | 503
  /** @unmask/wire's error body, shared with the edge. */
  readonly body: ErrorBody
  readonly headers?: Readonly<Record<string, string>>
}

export const apiError = (
  status: ApiError["status"],
  code: ErrorCode,
  message: string,
  field?: string,
): ApiError => ({ status, body: { error: field === undefined ? { code, message } : { code, message, field } } })

/** How each failure of a generation reaches the client. */
export const toApiError = (error: InvalidRequest | QueueFull | ModelError): ApiError => {
  switch (error._tag) {
    case "InvalidRequest":
      return apiError(400, error.code ?? "invalid_parameter", error.message, error.field)
    case "QueueFull":
      return {
        ...apiError(503, "queue_full", "the worker is at capacity; retry later"),
        headers: { "retry-after": String(error.retryAfterSeconds) },
      }
    case "ModelError":
      return apiError(500, "model_error", error.message)
  }
}
