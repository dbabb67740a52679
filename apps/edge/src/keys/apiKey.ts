import { sha256Hex, toHex } from "./digest.js";

/**
 * API keys look like `umk_<id>_<secret>`: the 16-hex-digit id finds the record, the whole key is
 * checked against its stored SHA-256 hash. Only the hash is ever stored.
 */
const KEY_PATTERN = /^umk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;
const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

export const isKeyId = (id: string): boolean => KEY_ID_PATTERN.test(id);

export interface ParsedApiKey {
  id: string;
  key: string;
}

export const parseApiKey = (key: string): ParsedApiKey | null => {
  const match = KEY_PATTERN.exec(key);
  return match?.[1] === undefined ? null : { id: match[1], key };
};

const toBase64Url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** A fresh key and the hash to store for it. */
export const generateApiKey = async (): Promise<{ id: string; key: string; hashHex: string }> => {
  const id = toHex(crypto.getRandomValues(new Uint8Array(8)));
  const key = `umk_${id}_${toBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
  return { id, key, hashHex: await sha256Hex(key) };
};
