import { describe, expect, it } from "vitest"
import { ReplayGuard } from "../src/index.js"

describe("ReplayGuard", () => {
  it("refuses a nonce it remembers, through the last instant its timestamp is acceptable", () => {
    const guard = new ReplayGuard(10)
    expect(guard.admit("a", 1_000, 0)).toBe("fresh")
    expect(guard.admit("a", 1_000, 999)).toBe("replayed")
    expect(guard.admit("a", 1_000, 1_000)).toBe("replayed")
    // Past that instant the timestamp check refuses the request; the nonce is forgotten.
    expect(guard.admit("a", 2_000, 1_001)).toBe("fresh")
  })

  it("forgets expired nonces as time passes, oldest first", () => {
    const guard = new ReplayGuard(10)
    for (let i = 0; i < 5; i++) guard.admit(`n${i}`, 100 + i, 0)
    guard.admit("late", 10_000, 103)
    expect(guard.size).toBe(3) // n3, n4, late
  })

  it("refuses new nonces rather than grow past its capacity or forget a live one", () => {
    const guard = new ReplayGuard(3)
    for (const nonce of ["a", "b", "c"]) expect(guard.admit(nonce, 1_000, 0)).toBe("fresh")
    expect(guard.admit("d", 1_000, 1)).toBe("full")
    expect(guard.size).toBe(3)
    expect(guard.admit("a", 1_000, 2)).toBe("replayed")
  })

  it("makes room from expired entries that sit behind live ones", () => {
    const guard = new ReplayGuard(2)
    expect(guard.admit("long", 10_000, 0)).toBe("fresh")
    expect(guard.admit("short", 100, 0)).toBe("fresh")
    expect(guard.admit("next", 10_000, 500)).toBe("fresh")
    expect(guard.size).toBe(2)
  })
})
