import { KEEP_ALIVE_COMMENT, type StepFrame } from "@unmask/wire";
import type { UpstreamCall } from "./UpstreamCall.js";
import { type RelayEnd, readWorkerEvents } from "./workerEvents.js";

export type { RelayEnd } from "./workerEvents.js";

export interface RelayTranslation {
  /** Writes what the client should see of one denoising step. */
  onStep(frame: StepFrame, send: (text: string) => void): void;
  /** Writes the end of the stream (final event, or an error event); `send` is a no-op once cancelled. */
  onEnd(end: RelayEnd, send: (text: string) => void): void;
}

/** One worker call among several relayed into one stream, and what the client sees of it before the common end. */
export interface RelaySource {
  upstream: Response;
  call: UpstreamCall;
  onStep(frame: StepFrame, send: (text: string) => void): void;
  /** This call ended (the common end follows once every call has). */
  onEnd?(end: RelayEnd, send: (text: string) => void): void;
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
): { body: ReadableStream<Uint8Array>; finished: Promise<void> } =>
  relayWorkerEventStreams([{ upstream, call, onStep: translation.onStep }], ([end], send) => translation.onEnd(end!, send), keepAliveMs);

/**
 * `relayWorkerEvents` for several worker calls interleaved in one stream, each frame written as it
 * arrives. When one call fails, the others are aborted (their ends are `cancelled`); `onEnd` gets
 * every call's end, in the order of `sources`, once all have ended.
 */
export const relayWorkerEventStreams = (
  sources: readonly RelaySource[],
  onEnd: (ends: RelayEnd[], send: (text: string) => void) => void,
  keepAliveMs: number,
): { body: ReadableStream<Uint8Array>; finished: Promise<void> } => {
  const encoder = new TextEncoder();
  let cancelled = false;
  let ended = false;
  let markFinished: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    markFinished = resolve;
  });
  const abortAll = (): void => sources.forEach(({ call }) => call.abort());
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
      const relayed = sources.map(async (source): Promise<RelayEnd> => {
        const end = await readWorkerEvents(source.upstream, source.call, (frame) => source.onStep(frame, send));
        const told: RelayEnd = cancelled ? { kind: "cancelled" } : end;
        if (told.kind === "failed") abortAll();
        source.onEnd?.(told, send);
        return told;
      });
      void Promise.all(relayed).then((ends) => {
        onEnd(ends, send);
        ended = true;
        clearTimeout(keepAlive);
        if (!cancelled) controller.close();
        markFinished();
      });
    },
    cancel() {
      cancelled = true;
      abortAll();
    },
  });
  return { body, finished };
};
