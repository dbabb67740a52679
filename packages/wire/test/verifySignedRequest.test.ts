import { describe, expect, it } from "vitest"
import { createSignatureVerifier, NONCE_HEADER, type SignatureHeaders, SIGNATURE_HEADER, signRequest, TIMESTAMP_HEADER } from "../src/index.js"

const SECRET = "correct-horse-battery-staple"
const WORKER_A = "http://127.0.0.1:8788"
const WORKER_B = "http://127.0.0.1:8789"
const body = `{"prompt":"Hi","maxTokens":4}`
const NOW = 1_700_000_000_123

const received = (headers: Record<string, string>, overrides: { origin?: string; body?: string; path?: string } = {}) => ({
  method: "POST",
  origin: overrides.origin ?? WORKER_A,
  path: overrides.path ?? "/v1/generate",
  body: overrides.body ?? body,
  header: (name: string) => headers[name],
})
const signed = (options: { url?: string; nowMs?: number; nonce?: string } = {}): Promise<SignatureHeaders> =>
  signRequest(SECRET, { method: "POST", url: options.url ?? `${WORKER_A}/v1/generate`, body, nowMs: options.nowMs ?? NOW, ...(options.nonce === undefined ? {} : { nonce: options.nonce }) })

describe("createSignatureVerifier", () => {
  it("accepts two identical bodies signed in the same millisecond (different nonces)", async () => {
    const verifier = createSignatureVerifier(SECRET)
    const [first, second] = await Promise.all([signed(), signed()])
    expect(await verifier.verify(received(first), NOW)).toMatchObject({ ok: true })
    expect(await verifier.verify(received(second), NOW)).toMatchObject({ ok: true })
  })

  it("refuses the same nonce twice", async () => {
    const verifier = createSignatureVerifier(SECRET)
    const headers = await signed()
    expect(await verifier.verify(received(headers), NOW)).toMatchObject({ ok: true })
    expect(await verifier.verify(received(headers), NOW + 1)).toMatchObject({ ok: false, reason: "replayed" })
  })

  it("refuses a request signed for another worker", async () => {
    const forB = await signed({ url: `${WORKER_B}/v1/generate` })
    expect(await createSignatureVerifier(SECRET).verify(received(forB, { origin: WORKER_A }), NOW)).toMatchObject({ ok: false, reason: "forged" })
    expect(await createSignatureVerifier(SECRET).verify(received(forB, { origin: WORKER_B }), NOW)).toMatchObject({ ok: true })
  })

  it("refuses missing headers, a stale timestamp, a malformed nonce, another body, path or secret", async () => {
    const verifier = createSignatureVerifier(SECRET)
    const headers = await signed()
    const without = (name: string) => Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name))
    for (const name of [TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER]) {
      expect(await verifier.verify(received(without(name)), NOW)).toMatchObject({ ok: false, reason: "unsigned" })
    }
    expect(await verifier.verify(received(headers), NOW + 60_001)).toMatchObject({ ok: false, reason: "stale" })
    expect(await verifier.verify(received({ ...headers, [TIMESTAMP_HEADER]: "1e12" }), NOW)).toMatchObject({ ok: false, reason: "stale" })
    expect(await verifier.verify(received({ ...headers, [NONCE_HEADER]: "x".repeat(65) }), NOW)).toMatchObject({ ok: false, reason: "unsigned" })
    expect(await verifier.verify(received(headers, { body: body.replace("Hi", "Yo") }), NOW)).toMatchObject({ ok: false, reason: "forged" })
    expect(await verifier.verify(received(headers, { path: "/v1/other" }), NOW)).toMatchObject({ ok: false, reason: "forged" })
    expect(await verifier.verify(received({ ...headers, [SIGNATURE_HEADER]: "zz" }), NOW)).toMatchObject({ ok: false, reason: "forged" })
    const otherSecret = createSignatureVerifier("another-secret-of-length")
    expect(await otherSecret.verify(received(headers), NOW)).toMatchObject({ ok: false, reason: "forged" })
    // Nothing refused was remembered: the genuine request still passes once.
    expect(await verifier.verify(received(headers), NOW)).toMatchObject({ ok: true })
  })

  it("remembers nonces for the skew window only, and at most its capacity of them", async () => {
    const verifier = createSignatureVerifier(SECRET, { replayCapacity: 2 })
    for (let i = 0; i < 2; i++) expect((await verifier.verify(received(await signed()), NOW)).ok).toBe(true)
    expect(await verifier.verify(received(await signed()), NOW)).toMatchObject({ ok: false, reason: "replay_memory_full" })
    expect(verifier.remembered()).toBe(2)
    // Once the first two timestamps have left the window, their nonces are forgotten and room is made.
    const later = NOW + 60_001
    expect((await verifier.verify(received(await signed({ nowMs: later })), later)).ok).toBe(true)
    expect(verifier.remembered()).toBe(1)
  })
})
