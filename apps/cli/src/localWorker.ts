import { CliError } from "./errors.js"
import { ExitCode } from "./exitCodes.js"

export interface LocalWorker {
  readonly url: string
  readonly provider: string
  readonly startMs: number
  readonly close: () => Promise<void>
}

/** The worker's log lines (Effect's default logger writes to console.log) would mix with our stdout. */
const silenceConsole = () => {
  const noop = () => {}
  console.log = noop
  console.info = noop
  console.debug = noop
  console.warn = noop
}

/**
 * Starts `@unmask/gpu-worker` in this process on an ephemeral loopback port with the shipped models
 * (unsigned: it only listens on 127.0.0.1, for this process): every model directory of MODEL_DIR,
 * `diffusion-fast` included, so `--model` runs here too. MODEL_DIR, MODELS, EXECUTION_PROVIDER,
 * MODEL_PRECISION and the other worker variables are honoured from the environment.
 */
export const startLocalWorker = async (env: Readonly<Record<string, string | undefined>>): Promise<LocalWorker> => {
  const startedAt = performance.now()
  let module: typeof import("@unmask/gpu-worker")
  try {
    module = await import("@unmask/gpu-worker")
  } catch (error) {
    throw new CliError(
      `cannot load @unmask/gpu-worker (${error instanceof Error ? error.message : String(error)}); run \`npx tsc -b\` at the repository root`,
      ExitCode.unreachable,
    )
  }
  const { EDGE_SHARED_SECRET: _ignored, ...rest } = env
  silenceConsole()
  try {
    const worker = await module.startWorker({
      env: { ...rest, HOST: "127.0.0.1", PORT: "0", ALLOW_UNSIGNED: "1" },
    })
    return { url: worker.url, provider: worker.provider, startMs: performance.now() - startedAt, close: worker.close }
  } catch (error) {
    throw new CliError(
      `the in-process models could not start: ${error instanceof Error ? error.message : String(error)}`,
      ExitCode.unreachable,
    )
  }
}
