import { Schema } from "effect"

/**
 * Every machine-readable error code of the edge and the worker; clients branch on these, never
 * on messages. One list, so that the same failure has the same code wherever it is told.
 */
export const ErrorCode = Schema.Literals([
  // Both the edge and the worker
  "invalid_json",
  "invalid_parameter",
  "unknown_model",
  "unsupported_for_model",
  "body_too_large",
  "not_found",
  "internal_error",
  // The edge
  "invalid_api_key",
  "invalid_admin_secret",
  "admin_disabled",
  "unsupported_media_type",
  "model_has_no_chat_template",
  "context_length_exceeded",
  "request_exceeds_token_limit",
  "headers_too_large",
  "rate_limited",
  "ip_rate_limited",
  "quota_exceeded",
  "too_many_concurrent_requests",
  "key_not_found",
  "upstream_unavailable",
  "upstream_busy",
  "upstream_timeout",
  "upstream_interrupted",
  "upstream_rejected",
  "server_misconfigured",
  // The worker
  "bad_signature",
  "replay_memory_full",
  "queue_full",
  "model_error",
  "draining",
  "forbidden",
])
export type ErrorCode = typeof ErrorCode.Type
