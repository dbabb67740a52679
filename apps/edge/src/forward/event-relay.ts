import { KEEP_ALIVE_COMMENT, type StepFrame } from "@unmask/wire";
import type { UpstreamCall } from "./upstream-call.js";
import { type RelayEnd, readWorkerEvents } from "./worker-events.js";

export type { RelayEnd } from "./worker-events.js";

export interface RelayTranslation {
  /** Writes what the client should see of one denoising step. */
  onStep(frame: StepFrame, send: (text: string) => void): void;
  /** Writes the end of the stream (final event, or an error event); `send` is a no-op once cancelled. */
  onEnd(end: RelayEnd, send: (text: string) => void): void;
}

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
      void readWorkerEvents(upstream, call, (frame) => translation.onStep(frame, send)).then((end) => {
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
