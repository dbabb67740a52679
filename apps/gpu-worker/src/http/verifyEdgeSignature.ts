import type { MiddlewareHandler } from "hono"
import { apiError } from "./ApiError.js"
import { edgeSignature, MAX_SKEW_MS, SIGNATURE_HEADER, signaturesEqual, TIMESTAMP_HEADER } from "./edgeSignature.js"

/**
 * Rejects requests without a valid edge signature (401 `bad_signature`): missing headers, a
 * timestamp more than 60 s away, a wrong HMAC, or a signature already used inside the window.
 */
export const verifyEdgeSignature = (secret: string): MiddlewareHandler => {
  const seen = new Map<string, number>()
  const forgetExpired = (now: number) => {
    for (const [signature, expiresAt] of seen) if (expiresAt <= now) seen.delete(signature)
  }

  return async (c, next) => {
    const reject = (message: string) => {
      const { status, body } = apiError(401, "bad_signature", message)
      return c.json(body, status)
    }
    const timestamp = c.req.header(TIMESTAMP_HEADER)
    const signature = c.req.header(SIGNATURE_HEADER)
    if (timestamp === undefined || signature === undefined) {
      return reject(`missing ${TIMESTAMP_HEADER} or ${SIGNATURE_HEADER}`)
    }
    const now = Date.now()
    if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > MAX_SKEW_MS) {
      return reject("timestamp missing or outside the 60 s window")
    }
    const expected = edgeSignature(secret, {
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      timestamp,
      body: await c.req.text(),
    })
    if (!signaturesEqual(expected, signature)) return reject("signature does not match")
    forgetExpired(now)
    if (seen.has(expected)) return reject("signature already used")
    seen.set(expected, now + 2 * MAX_SKEW_MS)
    await next()
  }
}
