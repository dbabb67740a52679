import { canonicalRequest } from "./canonicalRequest.js"
import { NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./headers.js"
import { hmacSha256Hex, sha256Hex } from "./webCrypto.js"

export interface RequestToSign {
  readonly method: string
  /** The full target URL: its origin and path are signed (the query string is not). */
  readonly url: string | URL
  /** The exact body that will be sent ("" for none). */
  readonly body: string
  /** Defaults to `Date.now()`. */
  readonly nowMs?: number
  /** Defaults to a fresh `crypto.randomUUID()`; give one only to reproduce a signature. */
  readonly nonce?: string
}

export type SignatureHeaders = Readonly<Record<typeof TIMESTAMP_HEADER | typeof NONCE_HEADER | typeof SIGNATURE_HEADER, string>>

/** The three headers that let a worker at `request.url` accept this request exactly once. */
export const signRequest = async (secret: string, request: RequestToSign): Promise<SignatureHeaders> => {
  const url = new URL(request.url)
  const timestamp = String(Math.floor(request.nowMs ?? Date.now()))
  const nonce = request.nonce ?? crypto.randomUUID()
  const canonical = canonicalRequest({
    method: request.method, origin: url.origin, path: url.pathname, timestamp, nonce, bodySha256: await sha256Hex(request.body),
  })
  return { [TIMESTAMP_HEADER]: timestamp, [NONCE_HEADER]: nonce, [SIGNATURE_HEADER]: await hmacSha256Hex(secret, canonical) }
}
