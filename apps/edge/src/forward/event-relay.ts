import { ApiError } from "../errors.js";
import { upstreamTimeout } from "./forward.js";
import { KEEP_ALIVE_COMMENT, readServerSentEvents } from "./server-sent-events.js";
import type { UpstreamCall } from "./upstream-call.js";
import type { StepFrame, WorkerErrorBody, WorkerGenerateResponse } from "./worker-contract.js";

/** How a relayed stream ended. `failed` happens after the first byte, so it is told in-stream. */
export type RelayEnd =
  | { kind: "done"; response: WorkerGenerateResponse }
  | { kind: "cancelled" }
  | { kind: "failed"; error: ApiError };

export interface RelayTranslation {
  /** Writes what the client should see of one denoising step. */
  onStep(frame: StepFrame, send: (text: string) => void): void;
  /** Writes the end of the stream (final event, or an error event); `send` is a no-op once cancelled. */
  onEnd(end: RelayEnd, send: (text: string) => void): void;
}

const interrupted = (message: string): ApiError => new ApiError(502, "upstream_interrupted", message);

/**
 * Streams a worker's events to the client through `translation`, with a keep-alive comment
 * whenever the stream has been idle for `keepAliveMs`. A client that cancels aborts the upstream
 * call, so the worker stops computing; a worker that breaks off mid-stream ends the stream with an
 * error event, never a silent truncation. `finished` settles once `onEnd` has run: pass it to
 * `waitUntil`, so the accounting survives a client that has gone.
 */
export const relayWorkerEvents = (
  upstream: Response,
  call: UpstreamCall,
  translation: RelayTranslation,
  keepAliveMs: number,
): { body: ReadableStream<Uint8Array>; finished: Promise<void> } => {
  const encoder = new TextEncoder();
  let cancelled = false;
  let ended = false;
  let markFinished: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    markFinished = resolve;
  });
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string): void => {
        if (cancelled || ended) return;
        controller.enqueue(encoder.encode(text));
        armKeepAlive();
      };
      let keepAlive = setTimeout(() => send(KEEP_ALIVE_COMMENT), keepAliveMs);
      const armKeepAlive = (): void => {
        clearTimeout(keepAlive);
        keepAlive = setTimeout(() => send(KEEP_ALIVE_COMMENT), keepAliveMs);
      };
      const pump = async (): Promise<RelayEnd> => {
        try {
          for await (const { event, data } of readServerSentEvents(upstream.body ?? new ReadableStream())) {
            if (event === "step") translation.onStep(JSON.parse(data) as StepFrame, send);
            else if (event === "done") return { kind: "done", response: JSON.parse(data) as WorkerGenerateResponse };
            else if (event === "error") {
              const { error } = JSON.parse(data) as WorkerErrorBody;
              return { kind: "failed", error: interrupted(`The GPU worker failed mid-generation: ${error.message}`) };
            }
          }
          return { kind: "failed", error: interrupted("The GPU worker closed the stream before the generation finished.") };
        } catch (error) {
          if (cancelled) return { kind: "cancelled" };
          if (call.timedOut) return { kind: "failed", error: upstreamTimeout() };
          console.error("relaying the worker's events failed:", error);
          return { kind: "failed", error: interrupted("The GPU worker's stream broke off mid-generation.") };
        }
      };
      void pump().then((end) => {
        translation.onEnd(cancelled ? { kind: "cancelled" } : end, send);
        ended = true;
        clearTimeout(keepAlive);
        if (!cancelled) controller.close();
        markFinished();
      });
    },
    cancel() {
      cancelled = true;
      call.abort();
    },
  });
  return { body, finished };
};
