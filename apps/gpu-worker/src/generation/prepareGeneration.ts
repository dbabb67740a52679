import { ArParams, decodeParams, DiffusionParams, type InvalidParams, toInvalidParams } from "@unmask/core"
import { Effect, Schema } from "effect"
import { WorkerConfig } from "../config/WorkerConfig.js"
import { DEFAULT_MODELS } from "../models/DefaultModels.js"
import type { LoadedModel } from "../models/LoadedModel.js"
import type { ModelKind } from "../models/ModelConfig.js"
import { ModelRegistry } from "../models/ModelRegistry.js"
import { TextTokenizer } from "../tokenizer/TextTokenizer.js"
import { DEFAULT_MAX_TOKENS, GenerateRequest } from "./GenerateRequest.js"
import { InvalidRequest } from "./InvalidRequest.js"
import type { PreparedGeneration, SamplerChoice } from "./PreparedGeneration.js"

/** Core's parameter names, as the request body spells them. */
const WIRE_FIELDS: Readonly<Record<string, string>> = { genLength: "maxTokens", promptIds: "prompt" }

export const fromInvalidParams = (error: InvalidParams): InvalidRequest =>
  error.field === ""
    ? new InvalidRequest({ message: error.message })
    : new InvalidRequest({ field: WIRE_FIELDS[error.field] ?? error.field, message: error.message })

const withoutNulls = <T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null)) as never

const decodeRequest = (body: unknown) =>
  Schema.decodeUnknownEffect(GenerateRequest)(body).pipe(
    Effect.map(withoutNulls),
    Effect.mapError((error) => fromInvalidParams(toInvalidParams(error))),
  )

type WireRequest = Effect.Success<ReturnType<typeof decodeRequest>>

const samplerFor = (request: WireRequest, mode: ModelKind): Effect.Effect<SamplerChoice, InvalidRequest> => {
  const maxTokens = request.maxTokens ?? DEFAULT_MAX_TOKENS
  const shared = {
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.seed === undefined ? {} : { seed: request.seed }),
  }
  const sampler: Effect.Effect<SamplerChoice, InvalidParams> = mode === "ar"
    ? decodeParams(ArParams)({
      maxTokens,
      ...shared,
      ...(request.topK === undefined ? {} : { topK: request.topK }),
      ...(request.topP === undefined ? {} : { topP: request.topP }),
    }).pipe(Effect.map((params) => ({ mode: "ar", params })))
    : decodeParams(DiffusionParams)({
      genLength: maxTokens,
      steps: request.steps ?? maxTokens,
      remasking: request.remasking ?? "low_confidence",
      ...shared,
      ...(request.blockLength === undefined ? {} : { blockLength: request.blockLength }),
      ...(request.cfgScale === undefined ? {} : { cfgScale: request.cfgScale }),
      ...(request.threshold === undefined ? {} : { threshold: request.threshold }),
      ...(request.factor === undefined ? {} : { factor: request.factor }),
      ...(request.cache === undefined ? {} : { cache: request.cache }),
    }).pipe(Effect.map((params) => ({ mode: "diffusion", params })))
  return Effect.mapError(sampler, fromInvalidParams)
}

/** The model the request names, else its mode's default; the mode defaults to the model's kind. */
const modelFor = (request: WireRequest, models: ModelRegistry["Service"]["models"]): Effect.Effect<LoadedModel, InvalidRequest> => {
  const name = request.model ?? DEFAULT_MODELS[request.mode ?? "diffusion"]
  const model = models.get(name)
  if (model === undefined) {
    return Effect.fail(new InvalidRequest({
      code: "model_not_found",
      field: "model",
      message: `no model "${name}" is loaded here; loaded: ${[...models.keys()].join(", ")}`,
    }))
  }
  if (request.mode !== undefined && request.mode !== model.kind) {
    return Effect.fail(new InvalidRequest({
      field: "model",
      message: `the model "${name}" is of kind "${model.kind}", but mode is "${request.mode}"`,
    }))
  }
  return Effect.succeed(model)
}

const generatedLength = (sampler: SamplerChoice) =>
  sampler.mode === "ar" ? sampler.params.maxTokens : sampler.params.genLength

/**
 * Validates a request body against core's schemas and the worker's limits, then tokenizes the
 * prompt behind a BOS token. Everything here runs before a request is queued.
 */
export const prepareGeneration = (body: unknown, receivedAt: number) =>
  Effect.gen(function*() {
    const { limits } = yield* WorkerConfig
    const models = yield* ModelRegistry
    const tokenizer = yield* TextTokenizer
    const request = yield* decodeRequest(body)
    const loaded = yield* modelFor(request, models.models)
    const sampler = yield* samplerFor(request, loaded.kind)
    const model = loaded.config

    const maxTokens = generatedLength(sampler)
    if (maxTokens > limits.maxTokens) {
      return yield* new InvalidRequest({ field: "maxTokens", message: `maxTokens must be at most ${limits.maxTokens}` })
    }
    if (sampler.mode === "diffusion" && sampler.params.steps > limits.maxSteps) {
      return yield* new InvalidRequest({ field: "steps", message: `steps must be at most ${limits.maxSteps}` })
    }
    if (sampler.mode === "diffusion" && sampler.params.cache !== "none" && loaded.kind === "diffusion" && loaded.cachedGraph === undefined) {
      return yield* new InvalidRequest({ field: "cache", message: `the model "${loaded.name}" ships no cache-aware graph: cache must be "none"` })
    }
    const prompt = yield* tokenizer.encode(request.prompt)
    if (prompt.length > limits.maxPromptTokens) {
      return yield* new InvalidRequest({
        field: "prompt",
        message: `the prompt is ${prompt.length} tokens; at most ${limits.maxPromptTokens} are allowed`,
      })
    }
    const promptIds = Int32Array.from([model.special_tokens.bos, ...prompt])
    if (promptIds.length + maxTokens > model.context_length) {
      return yield* new InvalidRequest({
        field: "maxTokens",
        message: `prompt (${prompt.length} tokens) + maxTokens (${maxTokens}) + 1 exceeds the context length ${model.context_length}`,
      })
    }
    const prepared: PreparedGeneration = {
      sampler,
      model: loaded.name,
      stream: request.stream ?? false,
      promptIds,
      tokenIds: {
        maskId: model.special_tokens.mask,
        eosId: model.special_tokens.eos,
        padId: model.special_tokens.pad,
        vocabSize: model.vocab_size,
      },
      receivedAt,
    }
    return prepared
  })
