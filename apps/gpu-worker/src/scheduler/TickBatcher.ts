import { ModelError } from "@unmask/core"
import { Cause, Deferred, Effect, Latch, type Scope } from "effect"
import type { WorkerSettings } from "../config/WorkerConfig.js"
import type { WorkerMetrics } from "../metrics/WorkerMetrics.js"
import type { RequestStats } from "./RequestStats.js"

/** How one graph of one model batches: which calls may share a run, how many rows each holds, and the run itself. */
export interface BatchRunner<In, Out> {
  readonly graph: "diffusion" | "diffusion_cached" | "ar"
  /** The model directory name; calls of different models never share a run (each has its own batcher). */
  readonly model: string
  /** Calls with equal keys can be merged into one run. */
  readonly groupKey: (input: In) => string
  readonly rows: (input: In) => number
  /** One model run for all `inputs`, answering them in order. */
  readonly run: (inputs: ReadonlyArray<In>) => Effect.Effect<ReadonlyArray<Out>, ModelError>
}

/** A generation's handle on the batcher: each call waits for the tick that runs it. */
export type Submit<In, Out> = (input: In) => Effect.Effect<Out, ModelError>

export interface TickBatcher<In, Out> {
  /** Registers a generation for as long as the scope lives; its calls are attributed to `stats`. */
  readonly attach: (stats: RequestStats) => Effect.Effect<Submit<In, Out>, never, Scope.Scope>
}

interface PendingCall<In, Out> {
  readonly input: In
  readonly stats: RequestStats
  readonly result: Deferred.Deferred<Out, ModelError>
}

/**
 * Continuous batching for one graph of one model. Calls from attached generations queue up; a tick takes the
 * oldest call's group (up to MAX_BATCH_ROWS rows) and runs it once, whichever step each member is
 * at. A tick starts when every attached generation is waiting, when the rows are full, or
 * BATCH_WINDOW_MS after the first call — so a lone request never waits — and right away for calls
 * left over by the previous tick. Interrupted callers leave the queue before their run.
 */
export const makeTickBatcher = <In, Out>(
  runner: BatchRunner<In, Out>,
  batching: WorkerSettings["batching"],
  metrics: WorkerMetrics["Service"],
): Effect.Effect<TickBatcher<In, Out>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const labels = { graph: runner.graph, model: runner.model }
    const pending: Array<PendingCall<In, Out>> = []
    let attached = 0
    let leftovers = false
    const workWaiting = Latch.makeUnsafe(false)
    const tickReady = Latch.makeUnsafe(false)

    const pendingRows = () => pending.reduce((rows, call) => rows + runner.rows(call.input), 0)
    const refresh = () => {
      if (pending.length > 0) workWaiting.openUnsafe()
      else workWaiting.closeUnsafe()
      const ready = pending.length > 0 &&
        (leftovers || pending.length >= attached || pendingRows() >= batching.maxBatchRows)
      if (ready) tickReady.openUnsafe()
      else tickReady.closeUnsafe()
    }

    const takeGroup = (): Array<PendingCall<In, Out>> => {
      const key = runner.groupKey(pending[0]!.input)
      const taken: Array<PendingCall<In, Out>> = []
      let rows = 0
      for (let i = 0; i < pending.length;) {
        const call = pending[i]!
        const callRows = runner.rows(call.input)
        const fits = taken.length === 0 || rows + callRows <= batching.maxBatchRows
        if (runner.groupKey(call.input) === key && fits) {
          taken.push(call)
          rows += callRows
          pending.splice(i, 1)
        } else {
          i++
        }
      }
      leftovers = pending.length > 0
      refresh()
      return taken
    }

    const run = (calls: ReadonlyArray<PendingCall<In, Out>>) =>
      Effect.gen(function*() {
        metrics.modelCalls.inc(labels)
        metrics.batchSize.observe(calls.length, labels)
        const started = performance.now()
        const outputs = yield* runner.run(calls.map((call) => call.input))
        const elapsed = performance.now() - started
        metrics.modelSeconds.observe(elapsed / 1000, labels)
        calls.forEach((call, i) => {
          call.stats.record(elapsed)
          Deferred.doneUnsafe(call.result, Effect.succeed(outputs[i]!))
        })
      }).pipe(
        Effect.catchCause((cause) =>
          Effect.sync(() => {
            const error = Cause.findErrorOption(cause)
            const failure = error._tag === "Some" ? error.value : new ModelError({ message: Cause.pretty(cause) })
            for (const call of calls) Deferred.doneUnsafe(call.result, Effect.fail(failure))
          })
        ),
      )

    const tick = Effect.gen(function*() {
      yield* workWaiting.await
      yield* Effect.raceFirst(tickReady.await, Effect.sleep(batching.windowMs))
      if (pending.length > 0) yield* run(takeGroup())
    })
    yield* Effect.forkScoped(Effect.forever(tick))

    const submitFor = (stats: RequestStats): Submit<In, Out> => (input) =>
      Effect.suspend(() => {
        const call: PendingCall<In, Out> = { input, stats, result: Deferred.makeUnsafe() }
        pending.push(call)
        refresh()
        return Deferred.await(call.result).pipe(
          Effect.onInterrupt(() =>
            Effect.sync(() => {
              const index = pending.indexOf(call)
              if (index >= 0) pending.splice(index, 1)
              refresh()
            })
          ),
        )
      })

    return {
      attach: (stats) =>
        Effect.acquireRelease(
          Effect.sync(() => {
            attached++
            refresh()
          }),
          () =>
            Effect.sync(() => {
              attached--
              refresh()
            }),
        ).pipe(Effect.as(submitFor(stats))),
    }
  })
