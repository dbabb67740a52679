import { EVENT_STREAM_HEADERS, type GenerateRequest, type GenerateResponse } from "@unmask/wire";
import { Hono } from "hono";
import type { AppEnv } from "../appEnv.js";
import type { Model } from "../config.js";
import { ApiError } from "../errors.js";
import { relayWorkerEventStreams } from "../forward/eventRelay.js";
import { type StartedGeneration, startGenerations } from "../generation/startGeneration.js";
import { servedModel } from "../servedModel.js";
import { jsonBody } from "../validation/jsonBody.js";
import { ChatCompletionBody } from "./chatCompletionBody.js";
import { CompletionBody, snakeCase } from "./completionBody.js";
import { choice, completionHeader, completionUsage, finishReasonOf } from "./completionFormat.js";
import { completionLogprobs } from "./completionLogprobs.js";
import { choicesPerPrompt, choiceSeed, completionPrompts } from "./completionChoices.js";
import { choiceStream, completionStreamEnd } from "./completionStream.js";
import { StopSequenceFilter } from "./stopSequences.js";

/** Drops absent values, so the worker applies its defaults and core's strict schemas see no `undefined`. */
const present = <T extends object>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;

const workerRequest = (body: CompletionBody & { prompt: string }, model: Model): GenerateRequest => ({
  prompt: body.prompt,
  mode: model.kind,
  model: model.workerModel,
  stream: body.stream ?? false,
  ...present({
    maxTokens: body.max_tokens,
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
  ...(body.logprobs === undefined || body.logprobs === null ? {} : { logprobs: body.logprobs }),
  ...(body.suffix === undefined || body.suffix === null ? {} : { suffix: body.suffix }),
});

/** Every choice's answer; when one fails the others are aborted and its error is the request's. */
const readAllAnswers = async (generations: readonly StartedGeneration[]): Promise<GenerateResponse[]> => {
  try {
    return await Promise.all(generations.map((generation) => generation.readAnswer()));
  } catch (error) {
    for (const generation of generations) generation.call.abort();
    throw error;
  }
};

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
    const prompts = completionPrompts(body.prompt);
    const n = choicesPerPrompt(body.n, prompts.length);
    const model = servedModel(c.get("config").models, body.model, "model");
    if (body.stream === true && body.logprobs !== undefined && body.logprobs !== null) {
      throw new ApiError(
        400, "invalid_parameter",
        `"logprobs" is not supported with "stream": true (a diffusion canvas fills in any order); ask without streaming.`,
        "logprobs",
      );
    }
    const stops = body.stop === undefined || body.stop === null ? [] : typeof body.stop === "string" ? [body.stop] : body.stop;
    // Choice `index` = prompt × n + j, in the order OpenAI lists them.
    const choicePrompts = prompts.flatMap((prompt) => Array.from({ length: n }, () => prompt));
    const { seed: requestSeed, ...unseeded } = body;
    const requests = choicePrompts.map((prompt, index) => {
      const seed = choiceSeed(requestSeed, index);
      return workerRequest({ ...unseeded, prompt, ...(seed === undefined ? {} : { seed }) }, model);
    });
    const generations = await startGenerations(c, model, requests, snakeCase);
    const header = completionHeader(c.get("requestId"), model.id);
    const echoed = (index: number): string => (body.echo === true ? choicePrompts[index]! : "");

    if (!generations[0]!.request.stream) {
      const answers = await readAllAnswers(generations);
      const choices = answers.map((answer, index) => {
        const stopFilter = new StopSequenceFilter(stops);
        const text = stopFilter.push(answer.text) + stopFilter.flush();
        const logprobs = answer.logprobs === undefined ? null : completionLogprobs(answer.logprobs, text.length, echoed(index).length);
        return choice(echoed(index) + text, finishReasonOf(answer, stopFilter.stopped), index, logprobs);
      });
      return c.json({ ...header, choices, usage: completionUsage(answers) });
    }
    const includeUsage = body.stream_options?.include_usage ?? false;
    const sources = generations.map((generation, index) => ({
      upstream: generation.upstream,
      call: generation.call,
      ...choiceStream(header, { index, stops, echoed: echoed(index), includeUsage }, generation.settleStream),
    }));
    const { body: stream, finished } = relayWorkerEventStreams(sources, completionStreamEnd(header, includeUsage), c.get("config").keepAliveMs);
    c.executionCtx.waitUntil(finished);
    return c.body(stream, 200, EVENT_STREAM_HEADERS);
  });
