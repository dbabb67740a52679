import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { Effect } from "effect"
import { InferenceSession } from "onnxruntime-node"
import { InvalidConfig } from "../../config/InvalidConfig.js"
import type { ExecutionProviderChoice } from "../../config/WorkerConfig.js"
import { errorMessage } from "../../errorMessage.js"
import { OnnxRuntimeError } from "./OnnxRuntimeError.js"

export type ActiveProvider = "cuda" | "cpu"

export interface SessionOptions {
  readonly intraOpThreads: number
}

/** The CUDA provider library that onnxruntime-node's install script downloads (absent on CPU-only installs). */
const cudaProviderLibrary = (): string => {
  const entry = createRequire(import.meta.url).resolve("onnxruntime-node")
  return join(dirname(entry), "..", "bin", "napi-v6", process.platform, process.arch, "libonnxruntime_providers_cuda.so")
}

export const createSession = (
  modelPath: string,
  provider: ActiveProvider,
  options: SessionOptions,
): Effect.Effect<InferenceSession, OnnxRuntimeError> =>
  Effect.tryPromise({
    try: () =>
      InferenceSession.create(modelPath, {
        executionProviders: [provider],
        intraOpNumThreads: options.intraOpThreads,
        interOpNumThreads: 1,
        graphOptimizationLevel: "all",
      }),
    catch: (cause) =>
      new OnnxRuntimeError({ message: `cannot create ${provider} session for ${modelPath}: ${errorMessage(cause)}` }),
  })

/**
 * Opens the first session of the worker and settles which provider every session uses:
 * `cpu` as asked, `cuda` or a start-up error, `auto` = CUDA when its provider loads, else CPU.
 */
export const openWithProviderChoice = (
  modelPath: string,
  choice: ExecutionProviderChoice,
  options: SessionOptions,
): Effect.Effect<{ session: InferenceSession; provider: ActiveProvider }, InvalidConfig | OnnxRuntimeError> => {
  const open = (provider: ActiveProvider) =>
    createSession(modelPath, provider, options).pipe(Effect.map((session) => ({ session, provider })))
  switch (choice) {
    case "cpu":
      return open("cpu")
    case "cuda":
      return open("cuda").pipe(
        Effect.mapError((error) =>
          new InvalidConfig({
            variable: "EXECUTION_PROVIDER",
            message: `EXECUTION_PROVIDER=cuda but the CUDA execution provider is unavailable: ${error.message}`,
          })
        ),
      )
    case "auto":
      return existsSync(cudaProviderLibrary())
        ? open("cuda").pipe(
          Effect.catchTag("OnnxRuntimeError", (error) =>
            Effect.logWarning(`EXECUTION_PROVIDER=auto: CUDA failed, using CPU (${error.message})`).pipe(
              Effect.andThen(open("cpu")),
            )),
        )
        : open("cpu")
  }
}
