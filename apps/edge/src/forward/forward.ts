import type { Config } from "../config.js";
import { ApiError } from "../errors.js";
import { coolDown, originsInTryOrder } from "./origin-pool.js";
import { signRequest } from "./signing.js";
import type { UpstreamCall } from "./upstream-call.js";
import { REQUEST_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, type WorkerGenerateRequest } from "./worker-contract.js";

const GENERATE_PATH = "v1/generate";

/** Worker answers that another origin may not give: capacity and server failures. */
const worthFailingOver = (status: number): boolean => status === 429 || status >= 500 || status === 401 || status === 403;

export const upstreamTimeout = (): ApiError =>
  new ApiError(504, "upstream_timeout", "The generation did not finish within the edge's deadline.");

/**
 * Sends a signed generation request to the first origin that answers. An origin that cannot be
 * reached, or answers 429, 5xx or a signature rejection before the first byte, is cooled down and
 * the next one is tried. Other answers (including the worker's 4xx for bad parameters) are returned.
 */
export const forwardGenerate = async (
  config: Config,
  request: WorkerGenerateRequest,
  requestId: string,
  call: UpstreamCall,
): Promise<Response> => {
  const body = JSON.stringify(request);
  const retryAfterSeconds: number[] = [];
  for (const origin of originsInTryOrder(config.workerOrigins, Date.now())) {
    const url = new URL(GENERATE_PATH, origin);
    const { timestamp, signature } = await signRequest(config.signingSecret, { method: "POST", path: url.pathname, body, nowMs: Date.now() });
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: request.stream ? "text/event-stream" : "application/json",
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signature,
          [REQUEST_ID_HEADER]: requestId,
        },
        body,
        signal: call.signal,
      });
    } catch (error) {
      if (call.timedOut) throw upstreamTimeout();
      if (call.signal.aborted) throw error;
      console.warn(`[${requestId}] worker ${origin.origin} unreachable, failing over:`, error);
      coolDown(origin, Date.now());
      continue;
    }
    if (!worthFailingOver(response.status)) return response;
    const rejectedSignature = response.status === 401 || response.status === 403;
    console.warn(`[${requestId}] worker ${origin.origin} answered ${response.status}, failing over${rejectedSignature ? " (check WORKER_SIGNING_SECRET)" : ""}`);
    const retryAfter = Number(response.headers.get("Retry-After"));
    if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterSeconds.push(retryAfter);
    await response.body?.cancel();
    coolDown(origin, Date.now());
  }
  if (retryAfterSeconds.length > 0) {
    const retryAfter = String(Math.ceil(Math.min(...retryAfterSeconds)));
    throw new ApiError(503, "upstream_busy", "Every GPU worker is busy; retry later.", undefined, { "Retry-After": retryAfter });
  }
  throw new ApiError(502, "upstream_unavailable", "No GPU worker could be reached.");
};
