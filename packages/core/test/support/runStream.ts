import { Effect, type Layer, Stream } from "effect"
import type { Frame, GenerationEvent, GenerationResult } from "../../src/index.js"

export interface Generation {
  readonly frames: Array<Frame>
  readonly result: GenerationResult
}

/** Runs a generation stream to the end; throws if it fails or does not end with exactly one Done. */
export const runGeneration = <E, R>(
  stream: Stream.Stream<GenerationEvent, E, R>,
  layer: Layer.Layer<R>,
): Generation => {
  const events = Effect.runSync(Stream.runCollect(stream).pipe(Effect.provide(layer)))
  const frames = events.flatMap((event) => event._tag === "Frame" ? [event.frame] : [])
  const last = events[events.length - 1]
  if (last?._tag !== "Done" || frames.length !== events.length - 1) throw new Error("expected frames, then one Done")
  return { frames, result: last.result }
}

/** The error a generation stream fails with (throws if it succeeds). */
export const generationError = <E, R>(stream: Stream.Stream<GenerationEvent, E, R>, layer: Layer.Layer<R>): E =>
  Effect.runSync(Stream.runDrain(stream).pipe(Effect.provide(layer), Effect.flip))
