import { canonicalRequest } from "./canonicalRequest.js"
import { NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./headers.js"
import { ReplayGuard } from "./ReplayGuard.js"
import { hmacSha256HexMatches, sha256Hex } from "./webCrypto.js"

/** Largest accepted |now − timestamp|; a nonce is remembered as long as its request could be accepted. */
export const MAX_SKEW_MS = 60_000
/** Live nonces a verifier remembers at most: 60 s of 800 requests a second, a few MB. */
export const REPLAY_MEMORY_CAPACITY = 50_000

const NONCE = /^[A-Za-z0-9_-]{1,64}$/

export interface ReceivedRequest {
  readonly method: string
  /** The origin this worker is reached at, from its own configuration: never the request's Host header. */
  readonly origin: string
  /** The URL path without the query string. */
  readonly path: string
  /** The exact body received. */
  readonly body: string
  readonly header: (name: string) => string | undefined
}

export type Rejection = "unsigned" | "stale" | "forged" | "replayed" | "replay_memory_full"

export type Verification =
  | { readonly ok: true; readonly nonce: string }
  | { readonly ok: false; readonly reason: Rejection; readonly message: string }

export interface SignatureVerifier {
  readonly verify: (request: ReceivedRequest, nowMs?: number) => Promise<Verification>
  /** The nonces it remembers now. */
  readonly remembered: () => number
}

const rejection = (reason: Rejection, message: string): Verification => ({ ok: false, reason, message })

/**
 * A verifier with its own replay memory. A request passes when its three headers are present, its
 * timestamp is within `maxSkewMs`, the HMAC over (method, this worker's origin, path, timestamp,
 * nonce, body hash) matches, and its nonce was not accepted before. Only requests with a valid
 * HMAC are remembered, so only a holder of the secret can fill the memory.
 */
export const createSignatureVerifier = (
  secret: string,
  options: { readonly maxSkewMs?: number; readonly replayCapacity?: number } = {},
): SignatureVerifier => {
  const maxSkewMs = options.maxSkewMs ?? MAX_SKEW_MS
  const replays = new ReplayGuard(options.replayCapacity ?? REPLAY_MEMORY_CAPACITY)
  const verify = async (request: ReceivedRequest, nowMs = Date.now()): Promise<Verification> => {
    const timestamp = request.header(TIMESTAMP_HEADER)
    const nonce = request.header(NONCE_HEADER)
    const signature = request.header(SIGNATURE_HEADER)
    if (timestamp === undefined || nonce === undefined || signature === undefined) {
      return rejection("unsigned", `missing ${TIMESTAMP_HEADER}, ${NONCE_HEADER} or ${SIGNATURE_HEADER}`)
    }
    if (!/^\d{1,16}$/.test(timestamp) || Math.abs(nowMs - Number(timestamp)) > maxSkewMs) {
      return rejection("stale", `${TIMESTAMP_HEADER} is not unix milliseconds within ${maxSkewMs / 1000} s of the worker's clock`)
    }
    if (!NONCE.test(nonce)) return rejection("unsigned", `${NONCE_HEADER} must be 1 to 64 characters of A-Z, a-z, 0-9, _ or -`)
    const canonical = canonicalRequest({
      method: request.method, origin: request.origin, path: request.path, timestamp, nonce, bodySha256: await sha256Hex(request.body),
    })
    if (!(await hmacSha256HexMatches(secret, canonical, signature))) {
      return rejection("forged", `the signature does not match (another secret, body, path, or a request signed for another worker than ${request.origin})`)
    }
    switch (replays.admit(nonce, Number(timestamp) + maxSkewMs, nowMs)) {
      case "replayed":
        return rejection("replayed", `${NONCE_HEADER} ${nonce} was already used`)
      case "full":
        return rejection("replay_memory_full", `the worker remembers ${replays.capacity} recent requests and can take no more right now`)
      case "fresh":
        return { ok: true, nonce }
    }
  }
  return { verify, remembered: () => replays.size }
}
