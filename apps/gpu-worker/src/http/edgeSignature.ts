import { createHash, createHmac, timingSafeEqual } from "node:crypto"

export const TIMESTAMP_HEADER = "x-unmask-timestamp"
export const SIGNATURE_HEADER = "x-unmask-signature"
/** Largest accepted |now - timestamp|; also how long a used signature is remembered. */
export const MAX_SKEW_MS = 60_000

export interface SignedParts {
  readonly method: string
  /** The URL path without the query string, e.g. `/v1/generate`. */
  readonly path: string
  /** Unix milliseconds, as sent in `x-unmask-timestamp`. */
  readonly timestamp: string
  readonly body: string
}

/** hex HMAC-SHA256(secret, `${method}\n${path}\n${timestamp}\n${sha256hex(body)}`). */
export const edgeSignature = (secret: string, parts: SignedParts): string => {
  const bodyHash = createHash("sha256").update(parts.body).digest("hex")
  return createHmac("sha256", secret)
    .update(`${parts.method.toUpperCase()}\n${parts.path}\n${parts.timestamp}\n${bodyHash}`)
    .digest("hex")
}

export const signaturesEqual = (expected: string, received: string): boolean => {
  const a = Buffer.from(expected, "utf8")
  const b = Buffer.from(received.toLowerCase(), "utf8")
  return a.length === b.length && timingSafeEqual(a, b)
}
