import { decodeErrorBody, type GenerateRequest, type GenerateResponse } from "@unmask/wire";
import type { Context } from "hono";
import type { AppEnv } from "../app-env.js";
import type { Model } from "../config.js";
import { ApiError } from "../errors.js";
import { forwardGenerate } from "../forward/forward.js";
import { UpstreamCall } from "../forward/upstream-call.js";
import { type RelayEnd, readWorkerEvents } from "../forward/worker-events.js";
import { type FieldNaming, renameFieldsIn } from "../validation/standard-schema.js";
import { admitGeneration } from "./admission.js";
import { generationOutcome, NOTHING_COMPUTED } from "./generation-outcome.js";
import { checkInfillCanvas, fixedTokenCount } from "./infill-canvas.js";
import { type ResolvedRequest, resolveSamplerParams } from "./sampler-params.js";

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

/**
 * The path every generation takes: sampler parameters resolved once by core (a bad one fails here,
 * before any token is reserved), an infilling canvas checked, the prompt counted against the model's
 * context, the key's limits admitted (reserving prompt + maxTokens), then the resolved request
 * signed and forwarded with failover.
 */
export const startGeneration = async (
  c: Context<AppEnv>,
  model: Model,
  unchecked: GenerateRequest,
  naming: FieldNaming,
): Promise<StartedGeneration> => {
  const request = resolveSamplerParams(unchecked, model.kind, naming);
  checkInfillCanvas(request, model, naming);
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
  const reservedTokens = promptTokens + request.maxTokens;
  const admitted = await admitGeneration(c, reservedTokens, naming);
  const call = new UpstreamCall(c.get("config").upstreamTimeoutMs, c.req.raw.signal);
  let upstream: Response;
  try {
    upstream = await forwardGenerate(c.get("config"), request, c.get("requestId"), call);
  } catch (error) {
    // No worker answered (or the client left first): a worker sends its headers before computing.
    admitted.settle(NOTHING_COMPUTED);
    throw error;
  }
  if (!upstream.ok) {
    admitted.settle(NOTHING_COMPUTED);
    throw await workerRefusal(upstream, naming);
  }
  return {
    request,
    upstream,
    call,
    readAnswer: async () => {
      const end = await readWorkerEvents(upstream, call, () => {});
      admitted.settle(generationOutcome(end, call.progress, promptTokens, false));
      if (end.kind === "done") return end.response;
      throw end.kind === "failed" ? end.error : new ApiError(502, "upstream_interrupted", "The request was cancelled before the generation finished.");
    },
    settleStream: (end) => admitted.settle(generationOutcome(end, call.progress, promptTokens, true)),
  };
};
