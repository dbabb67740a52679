import { signRequest } from "@unmask/wire"

/** Who the requests go to: the edge wants an API key, a worker behind an edge a signature. */
export interface TargetAuth {
  readonly apiKey?: string
  readonly edgeSharedSecret?: string
}

const apiKeyHeaders = (apiKey: string | undefined): Record<string, string> => ({
  "content-type": "application/json",
  ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
})

/** Headers for one request to `url`; a signature (@unmask/wire) has its own nonce, so it is never a replay. */
export const requestHeaders = async (auth: TargetAuth, url: string, body: string): Promise<Record<string, string>> => ({
  ...apiKeyHeaders(auth.apiKey),
  ...(auth.edgeSharedSecret === undefined ? {} : await signRequest(auth.edgeSharedSecret, { method: "POST", url, body })),
})

/** Headers autocannon can build synchronously for each request: API-key requests to the edge only. */
export const edgeRequestHeaders = (auth: { readonly apiKey?: string }): Record<string, string> => apiKeyHeaders(auth.apiKey)
