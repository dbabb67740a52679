import { GenerationProgress } from "./generation-progress.js";

/**
 * The lifetime of one call to the worker pool: ends on the deadline, when the client
 * disconnects (the request's signal), or when the edge aborts it (a cancelled stream).
 * `progress` is what the worker reported computing, for the books.
 */
export class UpstreamCall {
  private readonly deadline: AbortSignal;
  private readonly edgeAbort = new AbortController();
  readonly signal: AbortSignal;
  readonly progress = new GenerationProgress();

  constructor(timeoutMs: number, private readonly clientSignal: AbortSignal) {
    this.deadline = AbortSignal.timeout(timeoutMs);
    this.signal = AbortSignal.any([this.deadline, clientSignal, this.edgeAbort.signal]);
  }

  get timedOut(): boolean {
    return this.deadline.aborted;
  }

  /** The client went away (disconnected, or cancelled its stream). */
  get abandoned(): boolean {
    return this.clientSignal.aborted || this.edgeAbort.signal.aborted;
  }

  abort(): void {
    this.edgeAbort.abort(new Error("The client went away."));
  }
}
