/** Unix time in milliseconds at which the request was signed, decimal. */
export const TIMESTAMP_HEADER = "x-unmask-timestamp"
/** A unique id of this one signed request (a UUID); the replay memory is keyed by it. */
export const NONCE_HEADER = "x-unmask-nonce"
/** Lowercase hex HMAC-SHA256 of the canonical request (`canonicalRequest`). */
export const SIGNATURE_HEADER = "x-unmask-signature"
/** Correlates the edge's and the worker's logs of one request. */
export const REQUEST_ID_HEADER = "x-request-id"
