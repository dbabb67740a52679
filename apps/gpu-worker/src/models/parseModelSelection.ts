import { Effect } from "effect"
import { InvalidConfig } from "../config/InvalidConfig.js"

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/**
 * MODELS: the model directories (names under MODEL_DIR) to load, comma-separated; unset or empty =
 * the default models and every other directory with a `config.json`.
 */
export const parseModelSelection = (raw: string | undefined): Effect.Effect<ReadonlyArray<string> | undefined, InvalidConfig> =>
  Effect.suspend(() => {
    if (raw === undefined || raw.trim() === "") return Effect.succeed(undefined)
    const names = raw.split(",").map((name) => name.trim())
    const bad = names.find((name) => !MODEL_NAME.test(name))
    if (bad !== undefined) {
      return Effect.fail(new InvalidConfig({
        variable: "MODELS",
        message: `MODELS must be comma-separated model directory names under MODEL_DIR (e.g. diffusion,diffusion-fast,ar), got "${raw}"`,
      }))
    }
    return Effect.succeed([...new Set(names)])
  })
