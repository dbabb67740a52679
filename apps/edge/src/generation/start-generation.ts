import type { Context } from "hono";
import type { AppEnv } from "../app-env.js";
import type { Model } from "../config.js";
import { ApiError } from "../errors.js";
import type { RelayEnd } from "../forward/event-relay.js";
import { forwardGenerate, upstreamTimeout } from "../forward/forward.js";
import { UpstreamCall } from "../forward/upstream-call.js";
import type { WorkerErrorBody, WorkerGenerateRequest, WorkerGenerateResponse } from "../forward/worker-contract.js";
import { countTokens } from "../tokens/tokenizer.js";
import { type FieldNaming, renameFieldsIn } from "../validation/standard-schema.js";
import { admitGeneration } from "./admission.js";
import { checkSamplerParams } from "./sampler-params.js";

/** A generation the worker pool accepted: its answer (2xx) and how to account for it. */
export interface StartedGeneration {
  request: WorkerGenerateRequest;
  upstream: Response;
  call: UpstreamCall;
  /** Reads a non-streaming answer and settles it (see `settleStream` for what is charged). */
  readAnswer(): Promise<WorkerGenerateResponse>;
  /**
   * Settles a stream: measured use when it finished; the whole reservation when the client
   * went away (the worker computed until then); nothing when the pool failed it.
   */
  settleStream(end: RelayEnd): void;
}

/** A worker's refusal of a request the edge let through, told in the client's field names. */
const workerRefusal = async (upstream: Response, naming: FieldNaming): Promise<ApiError> => {
  const body = (await upstream.json().catch(() => null)) as WorkerErrorBody | null;
  const message = body?.error?.message ?? `The GPU worker refused the request (HTTP ${upstream.status}).`;
  const field = body?.error?.field === undefined ? undefined : naming(body.error.field);
  if (upstream.status === 400) return new ApiError(400, "invalid_parameter", renameFieldsIn(message, naming), field);
  if (upstream.status === 413) return new ApiError(413, "body_too_large", message);
  return new ApiError(502, "upstream_rejected", `The GPU worker refused the request: ${message}`);
};

/**
 * The path every generation takes: sampler parameters checked with core's schemas, the prompt
 * counted against the model's context, the key's limits admitted (reserving prompt + maxTokens),
 * then the signed request forwarded with failover.
 */
export const startGeneration = async (
  c: Context<AppEnv>,
  model: Model,
  unchecked: WorkerGenerateRequest,
  naming: FieldNaming,
): Promise<StartedGeneration> => {
  const request = checkSamplerParams(unchecked, naming);
  const promptTokens = countTokens(request.prompt);
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
  const nothingCharged = { usage: null, chargedTokens: 0 };
  const unfinished = () => (call.abandoned ? { usage: null, chargedTokens: reservedTokens } : nothingCharged);
  let upstream: Response;
  try {
    upstream = await forwardGenerate(c.get("config"), request, c.get("requestId"), call);
  } catch (error) {
    admitted.settle(unfinished());
    throw error;
  }
  if (!upstream.ok) {
    admitted.settle(nothingCharged);
    throw await workerRefusal(upstream, naming);
  }
  const measured = ({ usage }: WorkerGenerateResponse) => ({
    usage: { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, nfe: usage.nfe },
    chargedTokens: usage.promptTokens + usage.completionTokens,
  });
  return {
    request,
    upstream,
    call,
    readAnswer: async () => {
      try {
        const answer = await upstream.json<WorkerGenerateResponse>();
        admitted.settle(measured(answer));
        return answer;
      } catch {
        admitted.settle(unfinished());
        throw call.timedOut ? upstreamTimeout() : new ApiError(502, "upstream_interrupted", "The GPU worker's answer broke off.");
      }
    },
    settleStream: (end) => admitted.settle(end.kind === "done" ? measured(end.response) : end.kind === "cancelled" ? unfinished() : nothingCharged),
  };
};
