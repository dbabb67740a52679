import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect, Schema, SchemaIssue } from "effect"
import { ModelConfig } from "./ModelConfig.js"
import { ModelLoadError } from "./ModelLoadError.js"

const formatIssue = SchemaIssue.makeFormatterDefault()

/** Reads and validates `<modelDir>/config.json`; its `kind` says which graphs the directory holds. */
export const readModelConfig = (modelDir: string): Effect.Effect<ModelConfig, ModelLoadError> => {
  const path = join(modelDir, "config.json")
  return Effect.tryPromise({
    try: async () => JSON.parse(await readFile(path, "utf8")) as unknown,
    catch: (cause) => new ModelLoadError({ path, message: `cannot read model config: ${String(cause)}` }),
  }).pipe(
    Effect.flatMap(Schema.decodeUnknownEffect(ModelConfig)),
    Effect.mapError((error) =>
      error._tag === "SchemaError"
        ? new ModelLoadError({ path, message: `invalid model config: ${formatIssue(error.issue)}` })
        : error
    ),
  )
}
