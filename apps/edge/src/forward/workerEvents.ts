import { decodeWorkerEvent, type GenerateResponse, readServerSentEvents, type StepFrame } from "@unmask/wire";
import { ApiError } from "../errors.js";
import { upstreamTimeout } from "./forward.js";
import type { UpstreamCall } from "./UpstreamCall.js";

/** How a worker's event stream ended. `failed` happens after the first byte, so a streaming client is told in-stream. */
export type RelayEnd =
  | { kind: "done"; response: GenerateResponse }
  | { kind: "cancelled" }
  | { kind: "failed"; error: ApiError };

const interrupted = (message: string): ApiError => new ApiError(502, "upstream_interrupted", message);

/**
 * Reads a worker's event stream to its end: each step frame is recorded in `call.progress` and
 * handed to `onStep`, then the end is told: the `done` answer, the client gone, the deadline
 * passed, or the worker failing or breaking off (never a silent truncation). Every event is
 * checked against @unmask/wire's contract; one that breaks it counts as the stream breaking off.
 */
export const readWorkerEvents = async (upstream: Response, call: UpstreamCall, onStep: (frame: StepFrame) => void): Promise<RelayEnd> => {
  try {
    for await (const { event, data } of readServerSentEvents(upstream.body ?? new ReadableStream())) {
      const received = decodeWorkerEvent(event, data);
      if (received?.event === "step") {
        call.progress.record(received.data);
        onStep(received.data);
      } else if (received?.event === "done") {
        return { kind: "done", response: received.data };
      } else if (received?.event === "error") {
        return { kind: "failed", error: interrupted(`The GPU worker failed mid-generation: ${received.data.error.message}`) };
      }
    }
    return { kind: "failed", error: interrupted("The GPU worker closed the stream before the generation finished.") };
  } catch (error) {
    // The body keeps the error that ended it, held from workerd's native side, and V8 keeps an error's
    // stack frames (with this relay's closures: the call, both Responses, the request) until `stack` is
    // first read. Unread, every stream the client cancelled stayed on the edge's heap for good.
    void (error as Error | undefined)?.stack;
    if (call.abandoned) return { kind: "cancelled" };
    if (call.timedOut) return { kind: "failed", error: upstreamTimeout() };
    console.error("reading the worker's events failed:", error);
    return { kind: "failed", error: interrupted("The GPU worker's stream broke off mid-generation.") };
  }
};
