import { Context, Deferred, Effect, Layer } from "effect"
import { WorkerConfig } from "../config/WorkerConfig.js"
import { WorkerMetrics } from "../metrics/WorkerMetrics.js"
import { QueueFull } from "./QueueFull.js"

/** A place in the queue, later a generation slot. `release` is idempotent. */
export interface Ticket {
  /** Waits (FIFO) for a slot; returns the time spent queued in ms. */
  readonly awaitTurn: Effect.Effect<number>
  readonly release: Effect.Effect<void>
}

/**
 * Bounds concurrent generations (MAX_CONCURRENT_REQUESTS) and waiting ones (MAX_QUEUE_LENGTH).
 * `tryEnqueue` answers at once, so a full worker rejects before any model work.
 */
export class AdmissionControl extends Context.Service<AdmissionControl, {
  readonly tryEnqueue: Effect.Effect<Ticket, QueueFull>
}>()("@unmask/gpu-worker/AdmissionControl") {}

type TicketState = "queued" | "running" | "released"

export const AdmissionControlLive = Layer.effect(
  AdmissionControl,
  Effect.gen(function*() {
    const { limits } = yield* WorkerConfig
    const metrics = yield* WorkerMetrics
    let running = 0
    let queued = 0
    const waiters: Array<{ readonly grant: () => void }> = []

    const publish = () => {
      metrics.inFlight.set(running)
      metrics.queued.set(queued)
    }

    const grantNext = () => {
      while (running < limits.maxConcurrentRequests && waiters.length > 0) waiters.shift()!.grant()
    }

    const makeTicket = (): Ticket => {
      let state: TicketState = "queued"
      let waiter: { readonly grant: () => void } | undefined
      const toRunning = () => {
        state = "running"
        queued--
        running++
        publish()
      }
      const release = Effect.sync(() => {
        if (state === "queued") {
          queued--
          if (waiter !== undefined) waiters.splice(waiters.indexOf(waiter), 1)
        } else if (state === "running") {
          running--
        }
        state = "released"
        publish()
        grantNext()
      })
      const awaitTurn = Effect.suspend(() => {
        const enqueuedAt = performance.now()
        if (state !== "queued") return Effect.succeed(0)
        if (running < limits.maxConcurrentRequests && waiters.length === 0) {
          toRunning()
          return Effect.succeed(0)
        }
        const turn = Deferred.makeUnsafe<void>()
        waiter = {
          grant: () => {
            waiter = undefined
            toRunning()
            Deferred.doneUnsafe(turn, Effect.void)
          },
        }
        waiters.push(waiter)
        return Deferred.await(turn).pipe(Effect.map(() => performance.now() - enqueuedAt))
      })
      return { awaitTurn, release }
    }

    return {
      tryEnqueue: Effect.suspend(() => {
        if (running + queued >= limits.maxConcurrentRequests + limits.maxQueueLength) {
          return Effect.fail(new QueueFull({ retryAfterSeconds: limits.retryAfterSeconds }))
        }
        queued++
        publish()
        return Effect.succeed(makeTicket())
      }),
    }
  }),
)
