import { Effect, Stream } from "effect"
import type { Frame, GenerationEvent, GenerationResult } from "./GenerationEvent.js"

/** A sampler as a state machine: a finished state has a result, any other one takes a step. */
export interface SamplerMachine<S, E, R> {
  readonly result: (state: S) => GenerationResult | undefined
  readonly step: (state: S) => Effect.Effect<readonly [Frame, S], E, R>
}

const ENDED = Symbol("ended")

/**
 * Runs a sampler as a pull-based stream: each pull runs at most one `step` (one model call), so a
 * consumer that stops pulling, or is interrupted, causes no further model calls.
 */
export const generationStream = <S, E, R>(
  initial: S,
  machine: SamplerMachine<S, E, R>,
): Stream.Stream<GenerationEvent, E, R> =>
  Stream.unfold<S | typeof ENDED, GenerationEvent, E, R>(initial, (state) => {
    if (state === ENDED) return Effect.undefined
    const result = machine.result(state)
    if (result !== undefined) return Effect.succeed([{ _tag: "Done", result }, ENDED] as const)
    return Effect.map(machine.step(state), ([frame, next]) => [{ _tag: "Frame", frame }, next] as const)
  })
