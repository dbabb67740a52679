import { defaultModelDir } from "../benchPaths.js"
import type { BenchModelOptions } from "./loadBenchModels.js"

const PROVIDERS = ["cpu", "cuda", "auto"] as const

/** MODEL_DIR, EXECUTION_PROVIDER (default cpu) and ORT_INTRA_OP_THREADS (default 1), as the worker reads them. */
export const modelOptionsFromEnv = (env: NodeJS.ProcessEnv): BenchModelOptions => {
  const provider = env["EXECUTION_PROVIDER"] ?? "cpu"
  const chosen = PROVIDERS.find((candidate) => candidate === provider)
  if (chosen === undefined) throw new Error(`EXECUTION_PROVIDER must be one of ${PROVIDERS.join(", ")}, got "${provider}"`)
  const threads = Number(env["ORT_INTRA_OP_THREADS"] ?? "1")
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`ORT_INTRA_OP_THREADS must be a positive integer, got "${env["ORT_INTRA_OP_THREADS"]}"`)
  return { modelDir: env["MODEL_DIR"] ?? defaultModelDir, executionProvider: chosen, intraOpThreads: threads }
}
