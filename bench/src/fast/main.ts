import { parseArgs } from "node:util"
import { Console, Effect } from "effect"
import { defaultFastFile } from "../benchPaths.js"
import { writeJson } from "../grid/writeJson.js"
import { loadBenchModels } from "../models/loadBenchModels.js"
import type { BenchModels } from "../models/BenchModels.js"
import { modelOptionsFromEnv } from "../models/modelOptionsFromEnv.js"
import { fullFastAxes, quickFastAxes } from "./FastPlan.js"
import { runFast } from "./runFast.js"

// npm run bench:fast [-- --quick] [-- --out results/fast.json]
const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, out: { type: "string", default: defaultFastFile } } })

const program = Effect.gen(function*() {
  const axes = values.quick ? quickFastAxes : fullFastAxes
  const options = modelOptionsFromEnv(process.env)
  const models = yield* loadBenchModels(options)
  const others = new Map<string, BenchModels>()
  for (const name of axes.otherDiffusionModels) others.set(name, yield* loadBenchModels({ ...options, diffusionModel: name }))
  const results = yield* runFast(models, axes, others)
  writeJson(values.out, results)
  yield* Console.error(`wrote ${values.out} (${results.cells.length} cells, ${results.durationSeconds} s)`)
})

await Effect.runPromise(Effect.scoped(program))
