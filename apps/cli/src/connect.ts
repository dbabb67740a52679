import { type Endpoint, probeWorker, WorkerUnreachable } from "./client.js"
import { CliError } from "./errors.js"
import { ExitCode } from "./exitCodes.js"
import { startLocalWorker } from "./localWorker.js"
import type { CliOptions } from "./options.js"

export interface Connection {
  readonly endpoint: Endpoint
  /** Set when the models run in this process. */
  readonly local: { readonly provider: string; readonly startMs: number } | undefined
  readonly close: () => Promise<void>
}

/** Whether to run the models in-process after probing `url` failed this way. */
export const shouldFallBack = (options: Pick<CliOptions, "urlExplicit">, failure: WorkerUnreachable): boolean =>
  !options.urlExplicit && failure.refused

/**
 * The worker to talk to: `--local` → in-process; otherwise the URL when anything answers there; when
 * the default URL refuses the connection → in-process (announced with `notice`); an explicit
 * `--url` that does not answer → WorkerUnreachable (exit 3).
 */
export const connect = async (
  options: CliOptions,
  env: Readonly<Record<string, string | undefined>>,
  notice: (line: string) => void,
): Promise<Connection> => {
  if (!options.local) {
    try {
      await probeWorker(options.url)
      return { endpoint: { url: options.url, secret: options.secret }, local: undefined, close: async () => {} }
    } catch (error) {
      if (!(error instanceof WorkerUnreachable)) throw error
      if (!shouldFallBack(options, error)) {
        throw new CliError(
          `${error.message}; start one (ALLOW_UNSIGNED=1 npm start -w @unmask/gpu-worker), or drop --url to run the models in-process`,
          ExitCode.unreachable,
        )
      }
      notice(`no worker at ${options.url} (${error.reason}); running the shipped models in-process`)
    }
  }
  const worker = await startLocalWorker(env)
  notice(`in-process worker ready in ${(worker.startMs / 1000).toFixed(1)} s (${worker.provider})`)
  return {
    endpoint: { url: worker.url, secret: undefined },
    local: { provider: worker.provider, startMs: worker.startMs },
    close: worker.close,
  }
}
