import type { CachedDenoiser, CausalLM, Denoiser } from "@unmask/core"
import { Effect } from "effect"

/**
 * One model call: `length` positions (diffusion: the canvas; cached diffusion: the canvas on a
 * fill, the window on a refine; AR: the input) after `pastLength` cached ones.
 */
export interface ModelCall {
  readonly graph: "diffusion" | "diffusion_cached" | "ar"
  readonly batch: number
  readonly length: number
  readonly pastLength: number
  readonly ms: number
}

/** Records the wall time of every model call made through the wrapped services. */
export class CallLog {
  readonly calls: Array<ModelCall> = []

  private timed<A, E>(effect: Effect.Effect<A, E>, describe: Omit<ModelCall, "ms">): Effect.Effect<A, E> {
    return Effect.suspend(() => {
      const started = performance.now()
      return Effect.tap(effect, () => Effect.sync(() => this.calls.push({ ...describe, ms: performance.now() - started })))
    })
  }

  denoiser(inner: Denoiser["Service"]): Denoiser["Service"] {
    return {
      denoise: (batch) => this.timed(inner.denoise(batch), { graph: "diffusion", batch: batch.batch, length: batch.length, pastLength: 0 }),
    }
  }

  cachedDenoiser(inner: CachedDenoiser): CachedDenoiser {
    return {
      fill: (request) =>
        this.timed(inner.fill(request), { graph: "diffusion_cached", batch: request.batch.batch, length: request.batch.length, pastLength: 0 }),
      refine: (request, cache) => {
        const length = request.window.end - request.window.start
        return this.timed(inner.refine(request, cache), {
          graph: "diffusion_cached", batch: request.batch.batch, length, pastLength: request.batch.length - length,
        })
      },
    }
  }

  /** The cache is opaque to core, so the AR past length is counted here from the calls themselves. */
  causalLM(inner: CausalLM["Service"]): CausalLM["Service"] {
    const pastLengths = new WeakMap<object, number>()
    const remember = (cache: unknown, length: number) => {
      if (typeof cache === "object" && cache !== null) pastLengths.set(cache, length)
    }
    const pastOf = (cache: unknown) => (typeof cache === "object" && cache !== null ? pastLengths.get(cache) : undefined) ?? 0
    return {
      prefill: (ids) =>
        this.timed(inner.prefill(ids), { graph: "ar", batch: 1, length: ids.length, pastLength: 0 }).pipe(
          Effect.tap((output) => Effect.sync(() => remember(output.cache, ids.length))),
        ),
      step: (token, cache) => {
        const pastLength = pastOf(cache)
        return this.timed(inner.step(token, cache), { graph: "ar", batch: 1, length: 1, pastLength }).pipe(
          Effect.tap((output) => Effect.sync(() => remember(output.cache, pastLength + 1))),
        )
      },
    }
  }

  clear(): void {
    this.calls.length = 0
  }

  totalMs(): number {
    return this.calls.reduce((sum, call) => sum + call.ms, 0)
  }
}
