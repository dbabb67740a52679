import { createHash, createHmac } from "node:crypto"
import { describe, expect, it } from "vitest"
import { canonicalRequest, NONCE_HEADER, SIGNATURE_HEADER, signRequest, TIMESTAMP_HEADER } from "../src/index.js"

const body = `{"prompt":"hi"}`
const nonce = "7c0e4b9e-3f1a-4d2b-9a65-1f2e3d4c5b6a"

describe("signRequest", () => {
  it("signs the documented test vector (apps/gpu-worker/README.md, computed with node:crypto)", async () => {
    const headers = await signRequest("secret", {
      method: "post", url: "http://127.0.0.1:8788/v1/generate?ignored=1", body, nowMs: 1_700_000_000_123.9, nonce,
    })
    expect(headers).toEqual({
      [TIMESTAMP_HEADER]: "1700000000123",
      [NONCE_HEADER]: nonce,
      [SIGNATURE_HEADER]: "b6dddd415ff86c6a0e56b8e5bf300c71768db893da5450b344036f7b53638b07",
    })
  })

  it("equals an independent HMAC over the canonical lines", async () => {
    const url = "https://gpu-1.example.com/prefix/v1/generate"
    const headers = await signRequest("another-secret", { method: "POST", url, body: "héllo", nowMs: 5, nonce: "n" })
    const canonical = ["UNMASK-HMAC-SHA256-2", "POST", "https://gpu-1.example.com", "/prefix/v1/generate", "5", "n",
      createHash("sha256").update("héllo").digest("hex")].join("\n")
    expect(canonicalRequest({ method: "post", origin: "https://gpu-1.example.com", path: "/prefix/v1/generate", timestamp: "5", nonce: "n",
      bodySha256: createHash("sha256").update("héllo").digest("hex") })).toBe(canonical)
    expect(headers[SIGNATURE_HEADER]).toBe(createHmac("sha256", "another-secret").update(canonical).digest("hex"))
  })

  it("gives two identical requests signed in the same millisecond different nonces and signatures", async () => {
    const request = { method: "POST", url: "http://127.0.0.1:8788/v1/generate", body, nowMs: 1_700_000_000_123 }
    const [first, second] = await Promise.all([signRequest("secret", request), signRequest("secret", request)])
    expect(first[TIMESTAMP_HEADER]).toBe(second[TIMESTAMP_HEADER])
    expect(first[NONCE_HEADER]).toMatch(/^[0-9a-f-]{36}$/)
    expect(first[NONCE_HEADER]).not.toBe(second[NONCE_HEADER])
    expect(first[SIGNATURE_HEADER]).not.toBe(second[SIGNATURE_HEADER])
  })
})
