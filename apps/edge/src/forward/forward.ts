import { EVENT_STREAM_TYPE, type GenerateRequest, REQUEST_ID_HEADER, signRequest } from "@unmask/wire";
import type { Config } from "../config.js";
import { ApiError } from "../errors.js";
import { attemptOrigin } from "./originAttempt.js";
import { originHealth } from "./OriginHealth.js";
import type { UpstreamCall } from "./UpstreamCall.js";

const GENERATE_PATH = "v1/generate";

/** Worker answers that another origin may not give: capacity and server failures. */
const worthFailingOver = (status: number): boolean => status === 429 || status >= 500 || status === 401 || status === 403;

export const upstreamTimeout = (): ApiError =>
  new ApiError(504, "upstream_timeout", "The generation did not finish within the edge's deadline.");

const retryAfterMsOf = (response: Response): number | undefined => {
  const seconds = Number(response.headers.get("Retry-After"));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
};

/**
 * Sends a signed generation request to the first origin that answers, in the order the origins'
 * health gives (see OriginHealth). The edge always asks for the worker's event stream, whatever
 * the client asked: the headers then come back as soon as the worker has admitted the request,
 * so one short per-origin deadline (`originResponseTimeoutMs`) tells a hung worker from a long
 * generation, and every step frame tells what has been computed (for the books). An origin that
 * cannot be reached, does not answer in time, or answers 429, 5xx or a signature rejection is
 * marked and the next one is tried. Other answers (including the worker's 4xx for bad
 * parameters) are returned.
 */
export const forwardGenerate = async (
  config: Config,
  request: GenerateRequest,
  requestId: string,
  call: UpstreamCall,
): Promise<Response> => {
  const body = JSON.stringify({ ...request, stream: true });
  const retryAfterMs: number[] = [];
  let silentOrigins = 0;
  for (const origin of originHealth.tryOrder(config.workerOrigins, Date.now())) {
    const url = new URL(GENERATE_PATH, origin);
    const headers = {
      "content-type": "application/json",
      accept: EVENT_STREAM_TYPE,
      [REQUEST_ID_HEADER]: requestId,
      // A fresh nonce per attempt, signed for this origin only.
      ...(await signRequest(config.signingSecret, { method: "POST", url, body })),
    };
    originHealth.probing(origin, Date.now(), config.originResponseTimeoutMs);
    const attempt = await attemptOrigin(url, { method: "POST", headers, body }, call, config.originResponseTimeoutMs).catch((error: unknown) => {
      throw call.timedOut ? upstreamTimeout() : error;
    });
    if (attempt.kind !== "response") {
      if (attempt.kind === "no_response_in_time") silentOrigins++;
      const why = attempt.kind === "unreachable" ? "unreachable" : `silent for ${config.originResponseTimeoutMs} ms`;
      console.warn(`[${requestId}] worker ${origin.origin} ${why}, failing over`, attempt.kind === "unreachable" ? attempt.error : "");
      originHealth.failed(origin, Date.now(), config.originCoolDownMs);
      continue;
    }
    const { response } = attempt;
    if (!worthFailingOver(response.status)) {
      originHealth.succeeded(origin);
      return response;
    }
    const rejectedSignature = response.status === 401 || response.status === 403;
    console.warn(
      `[${requestId}] worker ${origin.origin} answered ${response.status}, failing over` +
        (rejectedSignature ? " (check WORKER_SIGNING_SECRET, the clocks, and that the worker's WORKER_ORIGIN is this URL)" : ""),
    );
    const busyFor = response.status === 429 || response.status === 503 ? retryAfterMsOf(response) : undefined;
    await response.body?.cancel();
    if (busyFor === undefined) {
      originHealth.failed(origin, Date.now(), config.originCoolDownMs);
      continue;
    }
    retryAfterMs.push(busyFor);
    originHealth.busy(origin, Date.now(), busyFor, config.originCoolDownMs);
  }
  if (retryAfterMs.length > 0) {
    const retryAfter = String(Math.ceil(Math.min(...retryAfterMs) / 1000));
    throw new ApiError(503, "upstream_busy", "Every GPU worker is busy; retry later.", undefined, { "Retry-After": retryAfter });
  }
  if (silentOrigins === config.workerOrigins.length) {
    throw new ApiError(504, "upstream_timeout", `No GPU worker answered within ${config.originResponseTimeoutMs} ms.`);
  }
  throw new ApiError(502, "upstream_unavailable", "No GPU worker could be reached.");
};
