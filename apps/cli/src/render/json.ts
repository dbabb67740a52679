import type { GenerationMode } from "../options.js"
import { type RunResult, tokensPerSecond } from "../runResult.js"

export interface WorkerInfo {
  /** The URL called; null when the models ran in-process. */
  readonly url: string | null
  readonly inProcess: boolean
  readonly provider?: string
}

const round = (ms: number) => Math.round(ms * 10) / 10

/** One run as JSON: the options sent, the worker's result (with the filled canvas when infilling), and the client-side timings. */
export const runJson = (result: RunResult) => {
  const { prompt: _prompt, stream: _stream, mode: _mode, ...request } = result.request
  const { response } = result
  return {
    mode: result.mode,
    request,
    text: response.text,
    tokens: response.tokens,
    finishReason: response.finishReason,
    usage: response.usage,
    ...(response.segments === undefined ? {} : { segments: response.segments }),
    timings: {
      wallMs: round(result.wallMs),
      firstFrameMs: result.firstFrameMs === null ? null : round(result.firstFrameMs),
      tokensPerSecond: Math.round(tokensPerSecond(result) * 10) / 10,
      queueMs: response.timings.queueMs,
      totalMs: response.timings.totalMs,
      modelMs: response.timings.modelMs,
    },
  }
}

/**
 * `--json`: one object. A single run: `{prompt, worker, mode, request, text, tokens, finishReason,
 * usage, timings}`; `--compare`: `{prompt, worker, diffusion: {...run}, ar: {...run}}`.
 */
export const resultJson = (prompt: string, worker: WorkerInfo, results: ReadonlyArray<RunResult>, compare: boolean) => {
  if (!compare && results.length === 1) return { prompt, worker, ...runJson(results[0]!) }
  const runs: Partial<Record<GenerationMode, ReturnType<typeof runJson>>> = {}
  for (const result of results) runs[result.mode] = runJson(result)
  return { prompt, worker, ...runs }
}
