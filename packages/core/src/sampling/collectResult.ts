import { Effect, Option, Stream } from "effect"
import type { GenerationEvent, GenerationResult } from "./GenerationEvent.js"

/** Drains a generation stream and returns its result (dies if the stream was cut before `Done`). */
export const collectResult = <E, R>(
  stream: Stream.Stream<GenerationEvent, E, R>,
): Effect.Effect<GenerationResult, E, R> =>
  Stream.runLast(stream).pipe(
    Effect.flatMap((last) =>
      Option.isSome(last) && last.value._tag === "Done"
        ? Effect.succeed(last.value.result)
        : Effect.die(new Error("the generation stream ended without a Done event"))
    ),
  )
