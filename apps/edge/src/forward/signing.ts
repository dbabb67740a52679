import { sha256Hex, toHex } from "../auth/api-key.js";

/**
 * The string the edge signs: method, path (no query), unix timestamp in milliseconds, and the
 * lowercase hex SHA-256 of the exact body bytes, joined by "\n".
 */
export const canonicalRequest = async (method: string, path: string, timestamp: string, body: string): Promise<string> =>
  `${method.toUpperCase()}\n${path}\n${timestamp}\n${await sha256Hex(body)}`;

/** Lowercase hex HMAC-SHA256 of `canonical` under `secret`. */
export const hmacSha256Hex = async (secret: string, canonical: string): Promise<string> => {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(canonical)));
};

export const signRequest = async (
  secret: string,
  request: { method: string; path: string; body: string; nowMs: number },
): Promise<{ timestamp: string; signature: string }> => {
  const timestamp = String(Math.floor(request.nowMs));
  const signature = await hmacSha256Hex(secret, await canonicalRequest(request.method, request.path, timestamp, request.body));
  return { timestamp, signature };
};
