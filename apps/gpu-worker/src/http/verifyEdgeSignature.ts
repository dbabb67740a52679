import type { HttpBindings } from "@hono/node-server"
import { createSignatureVerifier, REPLAY_MEMORY_CAPACITY } from "@unmask/wire"
import type { MiddlewareHandler } from "hono"
import { apiError } from "./ApiError.js"
import { loopbackOrigin } from "./workerOrigin.js"

/**
 * Rejects requests without a valid edge signature (@unmask/wire): 401 `bad_signature` for missing
 * headers, a timestamp more than 60 s away, a wrong HMAC (including one made for another worker
 * than `publicOrigin`) or a nonce already used; 503 `replay_memory_full` (Retry-After: 1) when the
 * bounded replay memory is full of live nonces, so the edge tries another worker.
 */
export const verifyEdgeSignature = (
  secret: string,
  publicOrigin: string | undefined,
  replayCapacity = REPLAY_MEMORY_CAPACITY,
): MiddlewareHandler<{ Bindings: HttpBindings }> => {
  const verifier = createSignatureVerifier(secret, { replayCapacity })
  return async (c, next) => {
    const verdict = await verifier.verify({
      method: c.req.method,
      origin: publicOrigin ?? loopbackOrigin(c.env.incoming.socket.localPort ?? 0),
      path: new URL(c.req.url).pathname,
      body: await c.req.text(),
      header: (name) => c.req.header(name),
    })
    if (verdict.ok) return next()
    if (verdict.reason === "replay_memory_full") {
      const { status, body } = apiError(503, "replay_memory_full", verdict.message)
      return c.json(body, status, { "retry-after": "1" })
    }
    const { status, body } = apiError(401, "bad_signature", verdict.message)
    return c.json(body, status)
  }
}
