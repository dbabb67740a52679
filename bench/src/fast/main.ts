import { parseArgs } from "node:util"
import { Console, Effect } from "effect"
import { defaultFastFile } from "../benchPaths.js"
import { writeJson } from "../grid/writeJson.js"
import { loadBenchModels } from "../models/loadBenchModels.js"
import { modelOptionsFromEnv } from "../models/modelOptionsFromEnv.js"
import { fullFastAxes, quickFastAxes } from "./FastPlan.js"
import { runFast } from "./runFast.js"

// npm run bench:fast [-- --quick] [-- --out results/fast.json]
const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, out: { type: "string", default: defaultFastFile } } })

const program = Effect.gen(function*() {
  const models = yield* loadBenchModels(modelOptionsFromEnv(process.env))
  const results = yield* runFast(models, values.quick ? quickFastAxes : fullFastAxes)
  writeJson(values.out, results)
  yield* Console.error(`wrote ${values.out} (${results.cells.length} cells, ${results.durationSeconds} s)`)
})

await Effect.runPromise(Effect.scoped(program))
