import { createHash, createHmac } from "node:crypto"

export const TIMESTAMP_HEADER = "x-unmask-timestamp"
export const SIGNATURE_HEADER = "x-unmask-signature"

/**
 * The edge's request signature (apps/edge/src/forward/signing.ts, checked by the worker's
 * verifyEdgeSignature): lowercase hex HMAC-SHA256(secret, METHOD\npath\ntimestamp\nsha256hex(body)),
 * `path` without the query string, `timestamp` in unix milliseconds.
 */
export const signatureHeaders = (
  secret: string,
  request: { readonly method: string; readonly url: string; readonly body: string; readonly nowMs: number },
): Record<string, string> => {
  const timestamp = String(Math.floor(request.nowMs))
  const path = new URL(request.url).pathname
  const bodyHash = createHash("sha256").update(request.body).digest("hex")
  const signature = createHmac("sha256", secret)
    .update(`${request.method.toUpperCase()}\n${path}\n${timestamp}\n${bodyHash}`)
    .digest("hex")
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature }
}
