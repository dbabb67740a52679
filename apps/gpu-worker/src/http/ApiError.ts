import type { ModelError } from "@unmask/core"
import type { InvalidRequest } from "../generation/InvalidRequest.js"
import type { QueueFull } from "../scheduler/QueueFull.js"

/** The JSON error body shared with the edge: `{ error: { code, message, field? } }`. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string }
}

export interface ApiError {
  readonly status: 400 | 401 | 404 | 413 | 500 | 503
  readonly body: ApiErrorBody
  readonly headers?: Readonly<Record<string, string>>
}

export const apiError = (
  status: ApiError["status"],
  code: string,
  message: string,
  field?: string,
): ApiError => ({ status, body: { error: field === undefined ? { code, message } : { code, message, field } } })

/** How each failure of a generation reaches the client. */
export const toApiError = (error: InvalidRequest | QueueFull | ModelError): ApiError => {
  switch (error._tag) {
    case "InvalidRequest":
      return apiError(400, error.code ?? "invalid_params", error.message, error.field)
    case "QueueFull":
      return {
        ...apiError(503, "queue_full", "the worker is at capacity; retry later"),
        headers: { "retry-after": String(error.retryAfterSeconds) },
      }
    case "ModelError":
      return apiError(500, "model_error", error.message)
  }
}
