/** First line of every canonical request: a signature over another layout can never match. */
export const SIGNATURE_SCHEME = "UNMASK-HMAC-SHA256-2"

/** What a signature covers. */
export interface CanonicalParts {
  readonly method: string
  /** The target worker's origin as `URL.origin` writes it (`http://127.0.0.1:8788`): binds the signature to one worker. */
  readonly origin: string
  /** The URL path without the query string, e.g. `/v1/generate`. */
  readonly path: string
  /** Unix milliseconds, decimal. */
  readonly timestamp: string
  readonly nonce: string
  /** Lowercase hex SHA-256 of the exact body bytes (UTF-8). */
  readonly bodySha256: string
}

/** The string that is signed: the scheme, then each part on its own line, the method upper case. */
export const canonicalRequest = (parts: CanonicalParts): string =>
  [SIGNATURE_SCHEME, parts.method.toUpperCase(), parts.origin, parts.path, parts.timestamp, parts.nonce, parts.bodySha256].join("\n")
