import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { parseArgs } from "node:util"
import { Console, Effect } from "effect"
import { defaultModelDir, resultsDir } from "../benchPaths.js"
import { writeJson } from "../grid/writeJson.js"
import { loadBenchModels } from "../models/loadBenchModels.js"
import { modelOptionsFromEnv } from "../models/modelOptionsFromEnv.js"
import { INFILL_PLAN } from "./InfillPlan.js"
import { runInfill } from "./runInfill.js"
import { selectStories, splitStories } from "./selectStories.js"

// npm run bench:infill [-- --stories 50] [-- --diffusion-model diffusion] [-- --out results/infill.json]
const { values } = parseArgs({
  options: {
    stories: { type: "string", default: String(INFILL_PLAN.stories) },
    "diffusion-model": { type: "string", default: "diffusion" },
    valid: { type: "string", default: resolve(defaultModelDir, "../../shared/data/tinystories/valid.txt") },
    out: { type: "string", default: resolve(resultsDir, "infill.json") },
  },
})

const program = Effect.gen(function*() {
  const diffusionModel = values["diffusion-model"]
  const models = yield* loadBenchModels({ ...modelOptionsFromEnv(process.env), diffusionModel })
  const { selected, read } = yield* selectStories(splitStories(readFileSync(values.valid, "utf8")), Number(values.stories), models.encode)
  yield* Console.error(`infill: ${selected.length} stories (of the first ${read} of the valid split)`)
  const results = yield* runInfill(models, selected, { storiesRead: read, diffusionModel })
  writeJson(values.out, results)
  yield* Console.error(`wrote ${values.out} (${results.durationSeconds} s)`)
})

await Effect.runPromise(Effect.scoped(program))
