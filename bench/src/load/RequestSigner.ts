import { edgeSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "@unmask/gpu-worker"

/** Who the requests go to: the edge wants an API key, a worker behind an edge a signature. */
export interface TargetAuth {
  readonly apiKey?: string
  readonly edgeSharedSecret?: string
}

/** Headers for one request; every body is unique (its seed), so a signature is never replayed. */
export const requestHeaders = (auth: TargetAuth, path: string, body: string): Record<string, string> => {
  const headers: Record<string, string> = { "content-type": "application/json" }
  if (auth.apiKey !== undefined) headers["authorization"] = `Bearer ${auth.apiKey}`
  if (auth.edgeSharedSecret !== undefined) {
    const timestamp = String(Date.now())
    headers[TIMESTAMP_HEADER] = timestamp
    headers[SIGNATURE_HEADER] = edgeSignature(auth.edgeSharedSecret, { method: "POST", path, timestamp, body })
  }
  return headers
}
