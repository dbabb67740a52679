import { DEFAULT_GEN_LENGTH, type InvalidParams, resolveGenerationParams, toInvalidParams, wireFieldName } from "@unmask/core"
import { GenerateRequest } from "@unmask/wire"
import { Effect, Schema } from "effect"
import { WorkerConfig } from "../config/WorkerConfig.js"
import { DEFAULT_MODELS } from "../models/DefaultModels.js"
import type { LoadedModel } from "../models/LoadedModel.js"
import { ModelRegistry } from "../models/ModelRegistry.js"
import { TextTokenizer } from "../tokenizer/TextTokenizer.js"
import { InvalidRequest } from "./InvalidRequest.js"
import { canvasField, canvasMaxTokens, prepareCanvas } from "./prepareCanvas.js"
import type { PreparedGeneration, SamplerChoice } from "./PreparedGeneration.js"

/** Core's refusal in the request body's field names. */
export const fromInvalidParams = (error: InvalidParams): InvalidRequest =>
  error.field === ""
    ? new InvalidRequest({ message: error.message })
    : new InvalidRequest({ field: wireFieldName(error.field), message: error.message })

const withoutNulls = <T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null)) as never

const decodeRequest = (body: unknown) =>
  Schema.decodeUnknownEffect(GenerateRequest)(body).pipe(
    Effect.map(withoutNulls),
    Effect.mapError((error) => fromInvalidParams(toInvalidParams(error))),
  )

type WireRequest = Effect.Success<ReturnType<typeof decodeRequest>>

/** The model the request names, else its mode's default; the mode defaults to the model's kind. */
const modelFor = (request: WireRequest, models: ModelRegistry["Service"]["models"]): Effect.Effect<LoadedModel, InvalidRequest> => {
  const name = request.model ?? DEFAULT_MODELS[request.mode ?? "diffusion"]
  const model = models.get(name)
  if (model === undefined) {
    return Effect.fail(new InvalidRequest({
      code: "unknown_model",
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

/** An autoregressive model sees only the left: it cannot condition on a suffix or later segments. */
const leftToRightOnly = (field: string, model: LoadedModel) =>
  new InvalidRequest({
    code: "unsupported_for_model",
    field,
    message: `${field} needs a diffusion model: "${model.name}" is autoregressive and cannot condition on text to the right`,
  })

/**
 * Decodes a request body once (the wire's schema, then core's `resolveGenerationParams`: the
 * edge's resolution verified), checks it against the worker's limits, then tokenizes the
 * prompt behind a BOS token (and, for infilling, every text span of the canvas). Everything here
 * runs before a request is queued.
 */
export const prepareGeneration = (body: unknown, receivedAt: number) =>
  Effect.gen(function*() {
    const { limits } = yield* WorkerConfig
    const models = yield* ModelRegistry
    const tokenizer = yield* TextTokenizer
    const request = yield* decodeRequest(body)
    const loaded = yield* modelFor(request, models.models)
    const infillField = canvasField(request)
    if (infillField !== undefined && loaded.kind === "ar") return yield* leftToRightOnly(infillField, loaded)
    const maxTokens = yield* canvasMaxTokens(request, DEFAULT_GEN_LENGTH)
    const sampler: SamplerChoice = yield* resolveGenerationParams(loaded.kind, { ...request, maxTokens }, "ignore").pipe(Effect.mapError(fromInvalidParams))
    const model = loaded.config

    if (maxTokens > limits.maxTokens) {
      return infillField === "segments"
        ? yield* new InvalidRequest({ field: "segments", message: `the masks of segments add up to ${maxTokens}; at most ${limits.maxTokens} are allowed` })
        : yield* new InvalidRequest({ field: "maxTokens", message: `maxTokens must be at most ${limits.maxTokens}` })
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
    const infill = infillField === undefined ? undefined : yield* prepareCanvas(request, maxTokens, promptIds, tokenizer.encode)
    const promptTokens = infill?.fixedTokens ?? prompt.length
    if (infillField !== undefined && promptTokens > limits.maxPromptTokens) {
      return yield* new InvalidRequest({
        field: infillField,
        message: `the prompt and ${infillField} are ${promptTokens} tokens; at most ${limits.maxPromptTokens} are allowed`,
      })
    }
    if (1 + promptTokens + maxTokens > model.context_length) {
      const fixed = infillField === undefined ? `prompt (${prompt.length} tokens)` : `prompt + ${infillField} (${promptTokens} tokens)`
      return yield* new InvalidRequest({
        field: infillField === "segments" ? "segments" : "maxTokens",
        message: `${fixed} + maxTokens (${maxTokens}) + 1 exceeds the context length ${model.context_length}`,
      })
    }
    const prepared: PreparedGeneration = {
      sampler,
      model: loaded.name,
      stream: request.stream ?? false,
      promptIds,
      ...(infill === undefined ? {} : { canvas: infill.canvas }),
      promptTokens,
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
