import { Effect } from "effect"
import { expect } from "vitest"

/** Runs a model call to its value (a failure rejects). */
export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

/** The typed error of a call that must fail (a success or a defect rejects). */
export const failureOf = <A, E>(effect: Effect.Effect<A, E>): Promise<E> => Effect.runPromise(Effect.flip(effect))

/** Every value of `actual` within `tolerance` of `expected` (arrays of equal length). */
export const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number) => {
  expect(actual.length).toBe(expected.length)
  let worst = 0
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!))
  expect(worst).toBeLessThanOrEqual(tolerance)
}

/** Sends each of `calls` through its own handle, all at once: batching handles merge them into one run. */
export const concurrently = <Handle, A, E>(handles: ReadonlyArray<Handle>, calls: ReadonlyArray<(handle: Handle) => Effect.Effect<A, E>>) =>
  run(Effect.all(calls.map((call, i) => call(handles[i % handles.length]!)), { concurrency: "unbounded" }))

/** Pseudo-random token ids below `below` (never a special token of the shipped vocabulary). */
export const tokens = (count: number, seed: number, below = 4000): Int32Array =>
  Int32Array.from({ length: count }, (_, i) => (Math.imul(seed * 7919 + i, 2654435761) >>> 0) % below)
