import { segmentMasks } from "@unmask/core";
import { EVENT_STREAM_HEADERS, formatEvent } from "@unmask/wire";
import { Hono } from "hono";
import type { AppEnv } from "../appEnv.js";
import type { Model } from "../config.js";
import { ApiError } from "../errors.js";
import { relayWorkerEvents } from "../forward/eventRelay.js";
import { startGeneration } from "../generation/startGeneration.js";
import { servedModel } from "../servedModel.js";
import { jsonBody } from "../validation/jsonBody.js";
import { NativeGenerateBody } from "./generateBody.js";

const sameName = (field: string): string => field;

/** The model named by its public id (it must be of `mode`), else the first model of `mode`. */
const modelFor = (models: ReadonlyArray<Model>, mode: Model["kind"], id: string | undefined): Model => {
  if (id === undefined) {
    const model = models.find((candidate) => candidate.kind === mode);
    if (model === undefined) throw new ApiError(400, "unknown_model", `No ${mode} model is served.`, "mode");
    return model;
  }
  const model = servedModel(models, id, "model");
  if (model.kind !== mode) {
    throw new ApiError(400, "invalid_parameter", `The model "${id}" is ${model.kind === "ar" ? "an autoregressive" : "a diffusion"} model, but "mode" is "${mode}".`, "model");
  }
  return model;
};

/**
 * `POST /v1/generate`: the worker's API behind the edge's keys and limits. Streaming relays every
 * denoising step as `event: step`, then `event: done` (or `event: error`), with keep-alive comments.
 */
export const nativeRoutes = new Hono<AppEnv>().post("/v1/generate", ...jsonBody(NativeGenerateBody), async (c) => {
  const { model: modelId, prompt, ...body } = c.req.valid("json");
  if (prompt === undefined && body.segments === undefined) throw new ApiError(400, "invalid_parameter", `"prompt" is required.`, "prompt");
  const model = modelFor(c.get("config").models, body.mode, modelId);
  // Segments lay out the length; else it is the client's or core's default (resolved in startGeneration).
  const maxTokens = body.maxTokens ?? (body.segments === undefined ? undefined : segmentMasks(body.segments));
  const request = { ...body, prompt: prompt ?? "", model: model.workerModel, ...(maxTokens === undefined ? {} : { maxTokens }), stream: body.stream ?? false };
  const generation = await startGeneration(c, model, request, sameName);

  if (!generation.request.stream) {
    const answer = await generation.readAnswer();
    return c.json(answer);
  }
  const { body: stream, finished } = relayWorkerEvents(generation.upstream, generation.call, {
    onStep: (frame, send) => send(formatEvent("step", JSON.stringify(frame))),
    onEnd: (end, send) => {
      generation.settleStream(end);
      if (end.kind === "done") send(formatEvent("done", JSON.stringify(end.response)));
      if (end.kind === "failed") send(formatEvent("error", JSON.stringify(end.error.toBody())));
    },
  }, c.get("config").keepAliveMs);
  c.executionCtx.waitUntil(finished);
  return c.body(stream, 200, EVENT_STREAM_HEADERS);
});
