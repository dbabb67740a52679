import { Effect, Schema } from "effect"

/** An integer in [minimum, maximum]. */
export const IntBetween = (minimum: number, maximum: number) =>
  Schema.Int.check(Schema.isBetween({ minimum, maximum }))

/** A finite number in [minimum, maximum]. */
export const FiniteBetween = (minimum: number, maximum: number) =>
  Schema.Finite.check(Schema.isBetween({ minimum, maximum }))

/** A key that may be absent from the input and is then filled with `value`. */
export const withDefault = <S extends Schema.Top>(value: S["Encoded"]) => (self: S) =>
  self.pipe(Schema.withDecodingDefaultKey(Effect.succeed(value)))
