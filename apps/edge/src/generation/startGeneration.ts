import { decodeErrorBody, type GenerateRequest, type GenerateResponse } from "@unmask/wire";
import type { Context } from "hono";
import type { AppEnv } from "../appEnv.js";
import type { Model } from "../config.js";
import { ApiError } from "../errors.js";
import { forwardGenerate } from "../forward/forward.js";
import { UpstreamCall } from "../forward/UpstreamCall.js";
import { type RelayEnd, readWorkerEvents } from "../forward/workerEvents.js";
import type { GenerationOutcome } from "../limits/admissionPolicy.js";
import { type FieldNaming, renameFieldsIn } from "../validation/standardSchema.js";
import { admitGeneration } from "./admission.js";
import { generationOutcome, NOTHING_COMPUTED, summedOutcome } from "./generationOutcome.js";
import { checkInfillCanvas, fixedTokenCount } from "./infillCanvas.js";
import { type ResolvedRequest, resolveSamplerParams } from "./samplerParams.js";

/** A generation the worker pool accepted: its event stream (2xx) and how to account for it. */
export interface StartedGeneration {
  /** The request as resolved (`stream` as the client asked); the worker is always asked for events. */
  request: ResolvedRequest;
  upstream: Response;
  call: UpstreamCall;
  /** Reads the events to the final answer and settles it (see `generationOutcome` for what is charged). */
  readAnswer(): Promise<GenerateResponse>;
  /** Settles a relayed stream from how it ended and what the worker computed until then. */
  settleStream(end: RelayEnd): void;
}

/** A worker's refusal of a request the edge let through, told in the client's field names. */
const workerRefusal = async (upstream: Response, naming: FieldNaming): Promise<ApiError> => {
  const body = decodeErrorBody(await upstream.json().catch(() => null));
  const message = body?.error?.message ?? `The GPU worker refused the request (HTTP ${upstream.status}).`;
  const field = body?.error?.field === undefined ? undefined : naming(body.error.field);
  if (upstream.status === 400) return new ApiError(400, "invalid_parameter", renameFieldsIn(message, naming), field);
  if (upstream.status === 413) return new ApiError(413, "body_too_large", message);
  return new ApiError(502, "upstream_rejected", `The GPU worker refused the request: ${message}`);
};

/** The prompt's tokens of a checked request, or 400 `context_length_exceeded` when it and its maxTokens do not fit the model. */
const promptTokensWithinContext = (request: ResolvedRequest, model: Model, naming: FieldNaming): number => {
  const promptTokens = fixedTokenCount(request);
  // One position of the context holds the BOS token the worker prepends.
  if (promptTokens + 1 + request.maxTokens > model.contextLength) {
    const promptAloneFits = promptTokens + 2 <= model.contextLength;
    throw new ApiError(
      400, "context_length_exceeded",
      `The prompt (${promptTokens} tokens) plus ${naming("maxTokens")} (${request.maxTokens}) exceed the context of ${model.id} (${model.contextLength} tokens, one of them taken by BOS).`,
      promptAloneFits ? naming("maxTokens") : naming("prompt"),
    );
  }
  return promptTokens;
};

/**
 * The path every generation takes: sampler parameters resolved once by core (a bad one fails here,
 * before any token is reserved), an infilling canvas checked, each prompt counted against the model's context, the key's limits admitted once for all of them (reserving
 * prompt + maxTokens each), then each signed request forwarded with failover, all at once (the
 * worker batches concurrent requests). The admission is settled with the sum of their outcomes
 * once every one has ended. If any is refused or reaches no worker, the others are aborted and
 * that error is thrown: a client never gets a silently missing generation.
 */
export const startGenerations = async (
  c: Context<AppEnv>,
  model: Model,
  unchecked: readonly GenerateRequest[],
  naming: FieldNaming,
): Promise<StartedGeneration[]> => {
  const requests = unchecked.map((request) => {
    const resolved = resolveSamplerParams(request, model.kind, naming);
    checkInfillCanvas(resolved, model, naming);
    return resolved;
  });
  const promptTokens = requests.map((request) => promptTokensWithinContext(request, model, naming));
  const reservedTokens = requests.reduce((sum, request, index) => sum + promptTokens[index]! + request.maxTokens, 0);
  const admitted = await admitGeneration(c, reservedTokens, naming);
  const calls = requests.map(() => new UpstreamCall(c.get("config").upstreamTimeoutMs, c.req.raw.signal));
  const outcomes: Array<GenerationOutcome | undefined> = requests.map(() => undefined);
  let unsettled = requests.length;
  const settle = (index: number, outcome: GenerationOutcome): void => {
    if (outcomes[index] !== undefined) return;
    outcomes[index] = outcome;
    calls[index]!.end();
    if (--unsettled === 0) admitted.settle(summedOutcome(outcomes as GenerationOutcome[]));
  };
  const forwarded = await Promise.allSettled(requests.map((request, index) => forwardGenerate(c.get("config"), request, c.get("requestId"), calls[index]!)));
  const failure = forwarded.find((attempt) => attempt.status === "rejected" || !attempt.value.ok);
  if (failure !== undefined) {
    // No worker computed anything yet (a worker sends its headers before computing).
    forwarded.forEach((attempt, index) => {
      if (attempt.status === "fulfilled" && attempt !== failure) {
        calls[index]!.abort();
        void attempt.value.body?.cancel().catch(() => {});
      }
      settle(index, NOTHING_COMPUTED);
    });
    // No worker answered (or the client left first), or one refused.
    throw failure.status === "rejected" ? failure.reason : await workerRefusal(failure.value, naming);
  }
  return requests.map((request, index) => {
    const upstream = (forwarded[index] as PromiseFulfilledResult<Response>).value;
    const call = calls[index]!;
    return {
      request,
      upstream,
      call,
      readAnswer: async () => {
        const end = await readWorkerEvents(upstream, call, () => {});
        settle(index, generationOutcome(end, call.progress, promptTokens[index]!, false));
        if (end.kind === "done") return end.response;
        throw end.kind === "failed" ? end.error : new ApiError(502, "upstream_interrupted", "The request was cancelled before the generation finished.");
      },
      settleStream: (end) => settle(index, generationOutcome(end, call.progress, promptTokens[index]!, true)),
    };
  });
};

/** One generation through `startGenerations`. */
export const startGeneration = async (
  c: Context<AppEnv>,
  model: Model,
  unchecked: GenerateRequest,
  naming: FieldNaming,
): Promise<StartedGeneration> => (await startGenerations(c, model, [unchecked], naming))[0]!;
