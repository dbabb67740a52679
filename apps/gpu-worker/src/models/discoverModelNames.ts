import { existsSync } from "node:fs"
import { readdir } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"
import { DEFAULT_MODELS } from "./DefaultModels.js"

/**
 * The model directories to load: `selection` (MODELS) as given, else the default models followed
 * by every other directory of `modelDir` that holds a `config.json`, by name. An unreadable
 * `modelDir` yields just the defaults, whose loading then names the missing config file.
 */
export const discoverModelNames = (
  modelDir: string,
  selection: ReadonlyArray<string> | undefined,
): Effect.Effect<ReadonlyArray<string>> => {
  if (selection !== undefined) return Effect.succeed(selection)
  const defaults = Object.values(DEFAULT_MODELS)
  return Effect.promise(() => readdir(modelDir, { withFileTypes: true }).catch(() => [])).pipe(
    Effect.map((entries) => {
      const others = entries
        .filter((entry) => entry.isDirectory() && !defaults.includes(entry.name))
        .filter((entry) => existsSync(join(modelDir, entry.name, "config.json")))
        .map((entry) => entry.name)
        .sort()
      return [...defaults, ...others]
    }),
  )
}
