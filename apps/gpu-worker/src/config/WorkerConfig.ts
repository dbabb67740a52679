import { Context } from "effect"
import type { AddressRange } from "./AddressRange.js"

export type ExecutionProviderChoice = "auto" | "cuda" | "cpu"
/** Which graph of each model to run: `int8` is faster on CPU but its dynamic activation scales make outputs depend on batch composition. */
export type ModelPrecision = "fp32" | "int8"

/** Everything the worker reads from its environment, validated once at start-up. */
export interface WorkerSettings {
  readonly host: string
  readonly port: number
  readonly modelDir: string
  /** MODELS: the model directories to load; `undefined`: the defaults and every other one with a config.json. */
  readonly models: ReadonlyArray<string> | undefined
  readonly executionProvider: ExecutionProviderChoice
  readonly modelPrecision: ModelPrecision
  readonly intraOpThreads: number
  /** `undefined` only when ALLOW_UNSIGNED=1. */
  readonly edgeSharedSecret: string | undefined
  /** WORKER_ORIGIN: where the edge reaches this worker; signatures are bound to it. `undefined`: http://127.0.0.1:<port>. */
  readonly publicOrigin: string | undefined
  /** PROBE_ALLOW_FROM: the peers `/readyz` and `/metrics` answer; any other gets 403. Default: loopback only. */
  readonly probeAllowFrom: ReadonlyArray<AddressRange>
  /** Node's HTTP server timeouts, so slow or idle clients cannot hold sockets. */
  readonly timeouts: {
    /** The whole header block must arrive within this (slowloris), else 408 and the socket closes. */
    readonly headersMs: number
    /** The whole request, body included, must arrive within this; a streamed response is not bounded by it. */
    readonly requestMs: number
    /** An idle keep-alive socket closes after this. */
    readonly keepAliveMs: number
  }
  readonly limits: {
    readonly maxTokens: number
    readonly maxSteps: number
    readonly maxPromptTokens: number
    readonly maxBodyBytes: number
    readonly maxConcurrentRequests: number
    readonly maxQueueLength: number
    readonly retryAfterSeconds: number
  }
  readonly batching: {
    readonly windowMs: number
    readonly maxBatchRows: number
  }
}

export class WorkerConfig extends Context.Service<WorkerConfig, WorkerSettings>()("@unmask/gpu-worker/WorkerConfig") {}
