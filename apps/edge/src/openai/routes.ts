import { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import type { Model } from "../config.js";
import { ApiError } from "../errors.js";
import { relayWorkerEvents } from "../forward/event-relay.js";
import { EVENT_STREAM_HEADERS } from "../forward/server-sent-events.js";
import type { WorkerGenerateRequest } from "../forward/worker-contract.js";
import { DEFAULT_MAX_TOKENS } from "../generation/sampler-params.js";
import { checkInfillCanvas } from "../generation/infill-canvas.js";
import { startGeneration } from "../generation/start-generation.js";
import { servedModel } from "../served-model.js";
import { jsonBody } from "../validation/json-body.js";
import { ChatCompletionBody } from "./chat-completion-body.js";
import { CompletionBody, snakeCase } from "./completion-body.js";
import { choice, completionHeader, completionUsage, finishReasonOf } from "./completion-format.js";
import { completionStream } from "./completion-stream.js";
import { StopSequenceFilter } from "./stop-sequences.js";

/** Drops absent values, so the worker applies its defaults and core's strict schemas see no `undefined`. */
const present = <T extends object>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;

const workerRequest = (body: CompletionBody, model: Model): WorkerGenerateRequest => ({
  prompt: body.prompt,
  mode: model.kind,
  model: model.workerModel,
  maxTokens: body.max_tokens ?? DEFAULT_MAX_TOKENS,
  stream: body.stream ?? false,
  ...present({
    steps: body.steps,
    blockLength: body.block_length,
    remasking: body.remasking,
    temperature: body.temperature,
    topK: body.top_k,
    topP: body.top_p,
    cfgScale: body.cfg_scale,
    threshold: body.threshold,
    factor: body.factor,
    cache: body.cache,
    seed: body.seed,
  }),
  ...(body.suffix === undefined || body.suffix === null ? {} : { suffix: body.suffix }),
});

/**
 * `GET /v1/models`, the OpenAI-compatible `POST /v1/completions`, and `POST /v1/chat/completions`,
 * which every served model refuses (no chat template) with a pointer to completions.
 */
export const openAiRoutes = new Hono<AppEnv>()
  .get("/v1/models", (c) =>
    c.json({
      object: "list",
      data: c.get("config").models.map((model) => ({
        id: model.id, object: "model", created: 0, owned_by: "unmask", kind: model.kind, context_length: model.contextLength,
      })),
    }))
  .post("/v1/chat/completions", ...jsonBody(ChatCompletionBody), (c) => {
    const model = servedModel(c.get("config").models, c.req.valid("json").model, "model");
    throw new ApiError(
      400, "model_has_no_chat_template",
      `${model.id} is a story model without a chat template: it continues text rather than answering messages. Send the story's beginning as "prompt" to POST /v1/completions.`,
      "model",
    );
  })
  .post("/v1/completions", ...jsonBody(CompletionBody, snakeCase), async (c) => {
    const body = c.req.valid("json");
    if (body.n !== undefined && body.n !== 1) {
      throw new ApiError(400, "invalid_parameter", `"n" must be 1: one completion per request is supported.`, "n");
    }
    const model = servedModel(c.get("config").models, body.model, "model");
    const stops = body.stop === undefined || body.stop === null ? [] : typeof body.stop === "string" ? [body.stop] : body.stop;
    const request = workerRequest(body, model);
    checkInfillCanvas(request, model, snakeCase);
    const generation = await startGeneration(c, model, request, snakeCase);
    const header = completionHeader(c.get("requestId"), model.id);

    if (!generation.request.stream) {
      const answer = await generation.readAnswer();
      const stopFilter = new StopSequenceFilter(stops);
      const text = stopFilter.push(answer.text) + stopFilter.flush();
      return c.json({ ...header, choices: [choice(text, finishReasonOf(answer, stopFilter.stopped))], usage: completionUsage(answer) });
    }
    const translation = completionStream(header, {
      stops,
      includeUsage: body.stream_options?.include_usage ?? false,
      onEnd: generation.settleStream,
    });
    const { body: stream, finished } = relayWorkerEvents(generation.upstream, generation.call, translation, c.get("config").keepAliveMs);
    c.executionCtx.waitUntil(finished);
    return c.body(stream, 200, EVENT_STREAM_HEADERS);
  });
