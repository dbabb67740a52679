export type ReplayVerdict = "fresh" | "replayed" | "full"

/**
 * The nonces of accepted requests, each remembered only until its timestamp leaves the skew window
 * (after that the timestamp check refuses the request anyway). Bounded in size too: with `capacity`
 * live nonces it refuses new ones ("full") rather than forget a live one, which would reopen a
 * replay, or grow without limit.
 */
export class ReplayGuard {
  private readonly acceptableUntil = new Map<string, number>()

  constructor(readonly capacity: number) {}

  /** Live nonces (and expired ones not yet swept). */
  get size(): number {
    return this.acceptableUntil.size
  }

  /**
   * Remembers `nonce` through `acceptableUntilMs` (the last instant its timestamp passes the skew
   * check) unless it is already remembered or the memory is full.
   */
  admit(nonce: string, acceptableUntilMs: number, nowMs: number): ReplayVerdict {
    this.forgetExpiredOldest(nowMs)
    const known = this.acceptableUntil.get(nonce)
    if (known !== undefined) {
      if (known >= nowMs) return "replayed"
      this.acceptableUntil.delete(nonce)
    }
    // Expiries follow the signers' timestamps, so an expired entry can sit behind a live one.
    if (this.acceptableUntil.size >= this.capacity) this.forgetAllExpired(nowMs)
    if (this.acceptableUntil.size >= this.capacity) return "full"
    this.acceptableUntil.set(nonce, acceptableUntilMs)
    return "fresh"
  }

  private forgetExpiredOldest(nowMs: number): void {
    for (const [nonce, acceptableUntilMs] of this.acceptableUntil) {
      if (acceptableUntilMs >= nowMs) return
      this.acceptableUntil.delete(nonce)
    }
  }

  private forgetAllExpired(nowMs: number): void {
    for (const [nonce, acceptableUntilMs] of this.acceptableUntil) if (acceptableUntilMs < nowMs) this.acceptableUntil.delete(nonce)
  }
}
