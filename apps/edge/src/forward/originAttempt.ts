import type { UpstreamCall } from "./UpstreamCall.js";

export type OriginAttempt =
  | { kind: "response"; response: Response }
  | { kind: "unreachable"; error: unknown }
  | { kind: "no_response_in_time" };

/**
 * One request to one origin. Its signal follows the whole call (client gone, overall deadline),
 * plus the origin's own deadline until the response headers arrive: workerd has no separate
 * connect timeout, so that one timer covers connecting and the first byte. Once the headers are
 * in, only the call's signal can end the body. Throws when the call itself was aborted.
 */
export const attemptOrigin = async (url: URL, init: RequestInit, call: UpstreamCall, responseDeadlineMs: number): Promise<OriginAttempt> => {
  const attempt = new AbortController();
  const followCall = (): void => attempt.abort(call.signal.reason);
  if (call.signal.aborted) followCall();
  else call.signal.addEventListener("abort", followCall, { once: true });
  let deadlinePassed = false;
  const deadline = setTimeout(() => {
    deadlinePassed = true;
    attempt.abort(new Error(`No response from ${url.origin} within ${responseDeadlineMs} ms.`));
  }, responseDeadlineMs);
  try {
    return { kind: "response", response: await fetch(url, { ...init, signal: attempt.signal }) };
  } catch (error) {
    call.signal.removeEventListener("abort", followCall);
    if (call.signal.aborted) throw error;
    return deadlinePassed ? { kind: "no_response_in_time" } : { kind: "unreachable", error };
  } finally {
    clearTimeout(deadline);
  }
};
