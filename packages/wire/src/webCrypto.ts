const utf8 = new TextEncoder()

const toHex = (buffer: ArrayBuffer): string =>
  Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("")

/** Lowercase hex of 32 bytes, or undefined when `hex` is not exactly that. */
const fromSha256Hex = (hex: string): Uint8Array<ArrayBuffer> | undefined => {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined
  return Uint8Array.from({ length: 32 }, (_, index) => Number.parseInt(hex.slice(2 * index, 2 * index + 2), 16))
}

const hmacKey = (secret: string, usage: "sign" | "verify"): Promise<CryptoKey> =>
  crypto.subtle.importKey("raw", utf8.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage])

export const sha256Hex = async (text: string): Promise<string> => toHex(await crypto.subtle.digest("SHA-256", utf8.encode(text)))

export const hmacSha256Hex = async (secret: string, message: string): Promise<string> =>
  toHex(await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), utf8.encode(message)))

/** Checks a hex HMAC-SHA256 with WebCrypto's own verify, which compares in constant time. */
export const hmacSha256HexMatches = async (secret: string, message: string, signatureHex: string): Promise<boolean> => {
  const signature = fromSha256Hex(signatureHex)
  if (signature === undefined) return false
  return crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), signature, utf8.encode(message))
}
