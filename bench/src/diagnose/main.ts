import { resolve } from "node:path"
import { parseArgs } from "node:util"
import { Console, Effect } from "effect"
import { resultsDir } from "../benchPaths.js"
import { promptInputs } from "../grid/promptInputs.js"
import { writeJson } from "../grid/writeJson.js"
import { loadBenchModels } from "../models/loadBenchModels.js"
import { modelOptionsFromEnv } from "../models/modelOptionsFromEnv.js"
import { type Diagnosis, diagnoseModel } from "./diagnoseModel.js"

// npm run bench:diagnose [-- --models diffusion,diffusion-fast --gen-length 128 --block 32 --prompt-length 63 --out results/diagnosis.json]
//   Greedy T = N runs of every diffusion model on the fixed prompts: the oracle's tokens per forward
//   (the speed of light of a confidence rule) and the reliability table of the model's confidences.
const { values } = parseArgs({
  options: {
    models: { type: "string", default: "diffusion,diffusion-fast" },
    "gen-length": { type: "string", default: "128" },
    block: { type: "string", default: "32" },
    "prompt-length": { type: "string", default: "63" },
    out: { type: "string", default: resolve(resultsDir, "diagnosis.json") },
  },
})
const plan = { genLength: Number(values["gen-length"]), blockLength: Number(values.block) }
const promptLength = Number(values["prompt-length"])

const diagnose = (diffusionModel: string) =>
  Effect.scoped(Effect.gen(function*() {
    const models = yield* loadBenchModels({ ...modelOptionsFromEnv(process.env), diffusionModel })
    const diagnosis = yield* diagnoseModel(models, yield* promptInputs(models, promptLength), plan)
    yield* Console.log(`${diffusionModel}: ${diagnosis.oracle.meanOracleTokensPerForward.toFixed(2)} oracle tokens per forward, ECE ${diagnosis.calibration.ece.toFixed(3)}`)
    for (const bin of diagnosis.calibration.bins) {
      yield* Console.log(`  [${bin.low.toFixed(1)}, ${bin.high.toFixed(1)}) n=${bin.count} confidence ${bin.meanConfidence.toFixed(3)} accuracy ${bin.accuracy.toFixed(3)}`)
    }
    return [diffusionModel, diagnosis] as const
  }))

const program = Effect.gen(function*() {
  const measured: Array<readonly [string, Diagnosis]> = []
  for (const name of values.models.split(",")) measured.push(yield* diagnose(name))
  writeJson(values.out, { measuredAt: new Date().toISOString(), promptLength, models: Object.fromEntries(measured) })
  yield* Console.log(`wrote ${values.out}`)
})

await Effect.runPromise(program)
