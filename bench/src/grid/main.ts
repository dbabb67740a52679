import { parseArgs } from "node:util"
import { Console, Effect } from "effect"
import { defaultGridFile } from "../benchPaths.js"
import type { BenchModels } from "../models/BenchModels.js"
import { loadBenchModels } from "../models/loadBenchModels.js"
import { modelOptionsFromEnv } from "../models/modelOptionsFromEnv.js"
import { fullPreset, quickPreset } from "./GridPlan.js"
import { runGrid } from "./runGrid.js"
import { writeJson } from "./writeJson.js"

// npm run bench [-- --quick] [-- --out results/grid.json]
const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, out: { type: "string", default: defaultGridFile } } })
const preset = values.quick ? quickPreset : fullPreset

const program = Effect.gen(function*() {
  const options = modelOptionsFromEnv(process.env)
  const models = yield* loadBenchModels(options)
  const others = new Map<string, BenchModels>()
  for (const name of preset.grid.otherDiffusionModels) others.set(name, yield* loadBenchModels({ ...options, diffusionModel: name }))
  const results = yield* runGrid(models, preset, others)
  writeJson(values.out, results)
  yield* Console.error(`wrote ${values.out} (${results.cells.length} cells, ${results.durationSeconds} s)`)
})

await Effect.runPromise(Effect.scoped(program))
