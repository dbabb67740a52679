import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../appEnv.js";
import { invalidApiKey } from "../errors.js";
import { parseApiKey } from "../keys/apiKey.js";
import { digestsEqual, hexToBytes, sha256 } from "../keys/digest.js";
import { KeyStore } from "../keys/KeyStore.js";

/** Compared against when the key id is unknown, so every failure does the same work. */
const NO_MATCH = new Uint8Array(32);

/**
 * `Authorization: Bearer umk_…`: the hash of the presented key must equal the stored hash
 * (constant-time). Missing, malformed, unknown, wrong and revoked keys get the same 401.
 * Revocation is enforced again, instantly, by the key's Durable Object at admission.
 */
export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
  const presented = /^Bearer (\S+)$/.exec(c.req.header("Authorization") ?? "")?.[1];
  const parsed = presented === undefined ? null : parseApiKey(presented);
  if (parsed === null) throw invalidApiKey();
  const storedHashHex = await new KeyStore(c.env.API_KEYS).hashOf(parsed.id);
  const matches = digestsEqual(await sha256(parsed.key), storedHashHex === null ? NO_MATCH : hexToBytes(storedHashHex));
  if (!matches || storedHashHex === null) throw invalidApiKey();
  c.set("apiKeyId", parsed.id);
  await next();
});
