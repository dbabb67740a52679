import { MAX_GEN_LENGTH, MAX_STEPS } from "@unmask/core"
import { Effect } from "effect"
import { parseWorkerOrigin } from "../http/workerOrigin.js"
import { parseModelSelection } from "../models/parseModelSelection.js"
import { LOOPBACK_RANGES, parseAddressRanges } from "./AddressRange.js"
import { defaultModelDir } from "./defaultModelDir.js"
import { InvalidConfig } from "./InvalidConfig.js"
import type { ExecutionProviderChoice, ModelPrecision, WorkerSettings } from "./WorkerConfig.js"

export type Environment = Readonly<Record<string, string | undefined>>

const EXECUTION_PROVIDERS: ReadonlyArray<ExecutionProviderChoice> = ["auto", "cuda", "cpu"]
const MODEL_PRECISIONS: ReadonlyArray<ModelPrecision> = ["fp32", "int8"]

const integer = (env: Environment, variable: string, fallback: number, minimum: number, maximum: number) =>
  Effect.suspend(() => {
    const raw = env[variable]?.trim()
    if (raw === undefined || raw === "") return Effect.succeed(fallback)
    const value = Number(raw)
    return Number.isInteger(value) && value >= minimum && value <= maximum
      ? Effect.succeed(value)
      : Effect.fail(new InvalidConfig({
        variable,
        message: `${variable} must be an integer between ${minimum} and ${maximum}, got "${raw}"`,
      }))
  })

const oneOf = <Choice extends string>(env: Environment, variable: string, choices: ReadonlyArray<Choice>, fallback: Choice) =>
  Effect.suspend(() => {
    const raw = (env[variable] ?? fallback).trim().toLowerCase()
    const choice = choices.find((candidate) => candidate === raw)
    return choice === undefined
      ? Effect.fail(new InvalidConfig({
        variable,
        message: `${variable} must be one of ${choices.join(", ")}, got "${raw}"`,
      }))
      : Effect.succeed(choice)
  })

const edgeSharedSecret = (env: Environment) =>
  Effect.suspend(() => {
    const secret = env["EDGE_SHARED_SECRET"]
    if (secret !== undefined && secret !== "") {
      return secret.length >= 16
        ? Effect.succeed<string | undefined>(secret)
        : Effect.fail(new InvalidConfig({
          variable: "EDGE_SHARED_SECRET",
          message: "EDGE_SHARED_SECRET must be at least 16 characters",
        }))
    }
    return env["ALLOW_UNSIGNED"] === "1"
      ? Effect.succeed(undefined)
      : Effect.fail(new InvalidConfig({
        variable: "EDGE_SHARED_SECRET",
        message: "EDGE_SHARED_SECRET is not set; set it, or set ALLOW_UNSIGNED=1 for local development only",
      }))
  })

/** Node's server timeouts; a request must be able to finish its headers before its whole body is due. */
const serverTimeouts = (env: Environment) =>
  Effect.gen(function*() {
    const headersMs = yield* integer(env, "HEADERS_TIMEOUT_MS", 10_000, 100, 600_000)
    const requestMs = yield* integer(env, "REQUEST_TIMEOUT_MS", 30_000, 100, 600_000)
    if (requestMs < headersMs) {
      return yield* Effect.fail(new InvalidConfig({
        variable: "REQUEST_TIMEOUT_MS",
        message: `REQUEST_TIMEOUT_MS (${requestMs}) must be at least HEADERS_TIMEOUT_MS (${headersMs})`,
      }))
    }
    return { headersMs, requestMs, keepAliveMs: yield* integer(env, "KEEP_ALIVE_TIMEOUT_MS", 65_000, 100, 600_000) }
  })

/** Reads and validates the worker's environment; every failure names its variable. */
export const parseWorkerConfig = (env: Environment): Effect.Effect<WorkerSettings, InvalidConfig> =>
  Effect.gen(function*() {
    const modelDir = env["MODEL_DIR"]?.trim()
    return {
      host: env["HOST"]?.trim() || "127.0.0.1",
      port: yield* integer(env, "PORT", 8788, 0, 65535),
      modelDir: modelDir || defaultModelDir,
      models: yield* parseModelSelection(env["MODELS"]),
      executionProvider: yield* oneOf(env, "EXECUTION_PROVIDER", EXECUTION_PROVIDERS, "auto"),
      modelPrecision: yield* oneOf(env, "MODEL_PRECISION", MODEL_PRECISIONS, "fp32"),
      intraOpThreads: yield* integer(env, "ORT_INTRA_OP_THREADS", 1, 1, 256),
      edgeSharedSecret: yield* edgeSharedSecret(env),
      publicOrigin: yield* parseWorkerOrigin(env["WORKER_ORIGIN"]),
      probeAllowFrom: yield* parseAddressRanges("PROBE_ALLOW_FROM", env["PROBE_ALLOW_FROM"]?.trim() || LOOPBACK_RANGES),
      timeouts: yield* serverTimeouts(env),
      limits: {
        // Operator ceilings under core's limits: a larger value could never be accepted anyway.
        maxTokens: yield* integer(env, "MAX_TOKENS", 128, 1, MAX_GEN_LENGTH),
        maxSteps: yield* integer(env, "MAX_STEPS", MAX_STEPS, 1, MAX_STEPS),
        maxPromptTokens: yield* integer(env, "MAX_PROMPT_TOKENS", 128, 1, 1_000_000),
        maxBodyBytes: yield* integer(env, "MAX_BODY_BYTES", 16_384, 256, 64 * 1024 * 1024),
        maxConcurrentRequests: yield* integer(env, "MAX_CONCURRENT_REQUESTS", 8, 1, 10_000),
        maxQueueLength: yield* integer(env, "MAX_QUEUE_LENGTH", 32, 0, 100_000),
        retryAfterSeconds: yield* integer(env, "RETRY_AFTER_SECONDS", 2, 1, 3600),
      },
      batching: {
        windowMs: yield* integer(env, "BATCH_WINDOW_MS", 5, 0, 1000),
        maxBatchRows: yield* integer(env, "MAX_BATCH_ROWS", 16, 1, 1024),
      },
    }
  })
