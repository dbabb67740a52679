import { ApiError } from "../errors.js";
import { upstreamTimeout } from "./forward.js";
import { readServerSentEvents } from "./server-sent-events.js";
import type { UpstreamCall } from "./upstream-call.js";
import type { StepFrame, WorkerErrorBody, WorkerGenerateResponse } from "./worker-contract.js";

/** How a worker's event stream ended. `failed` happens after the first byte, so a streaming client is told in-stream. */
export type RelayEnd =
  | { kind: "done"; response: WorkerGenerateResponse }
  | { kind: "cancelled" }
  | { kind: "failed"; error: ApiError };

const interrupted = (message: string): ApiError => new ApiError(502, "upstream_interrupted", message);

/**
 * Reads a worker's event stream to its end: each step frame is recorded in `call.progress` and
 * handed to `onStep`, then the end is told: the `done` answer, the client gone, the deadline
 * passed, or the worker failing or breaking off (never a silent truncation).
 */
export const readWorkerEvents = async (upstream: Response, call: UpstreamCall, onStep: (frame: StepFrame) => void): Promise<RelayEnd> => {
  try {
    for await (const { event, data } of readServerSentEvents(upstream.body ?? new ReadableStream())) {
      if (event === "step") {
        const frame = JSON.parse(data) as StepFrame;
        call.progress.record(frame);
        onStep(frame);
      } else if (event === "done") {
        return { kind: "done", response: JSON.parse(data) as WorkerGenerateResponse };
      } else if (event === "error") {
        const { error } = JSON.parse(data) as WorkerErrorBody;
        return { kind: "failed", error: interrupted(`The GPU worker failed mid-generation: ${error.message}`) };
      }
    }
    return { kind: "failed", error: interrupted("The GPU worker closed the stream before the generation finished.") };
  } catch (error) {
    if (call.abandoned) return { kind: "cancelled" };
    if (call.timedOut) return { kind: "failed", error: upstreamTimeout() };
    console.error("reading the worker's events failed:", error);
    return { kind: "failed", error: interrupted("The GPU worker's stream broke off mid-generation.") };
  }
};
