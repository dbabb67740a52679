import { Schema } from "effect"

/** Every generation slot and queue place is taken: rejected before any model work. */
export class QueueFull extends Schema.TaggedError<QueueFull>()("QueueFull", {
  retryAfterSeconds: Schema.Number,
}) {}
