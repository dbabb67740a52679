import { Schema } from "effect";
import { lenientStandardSchema } from "../validation/standardSchema.js";

/**
 * What is checked of a `POST /v1/chat/completions` body before it is refused with
 * `model_has_no_chat_template`: a model id and a list of messages with roles. The other chat fields
 * are not read, so they are not checked.
 */
export const ChatCompletionBody = lenientStandardSchema(
  Schema.Struct({
    model: Schema.String,
    messages: Schema.Array(Schema.Struct({ role: Schema.String })).check(Schema.isMinLength(1)),
  }),
);
