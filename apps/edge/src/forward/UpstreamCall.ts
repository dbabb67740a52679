import { GenerationProgress } from "./GenerationProgress.js";

/**
 * The lifetime of one call to the worker pool: ends on the deadline, when the client
 * disconnects (the request's signal), or when the edge aborts it (a cancelled stream).
 * `progress` is what the worker reported computing, for the books.
 *
 * `end()` clears the deadline's timer and the listener on the client's signal. With
 * `AbortSignal.timeout` and `AbortSignal.any` instead, workerd kept every finished call, its
 * signals and its listeners' closures reachable, minutes after the request (heap snapshots of
 * the soak, bench/README.md).
 */
export class UpstreamCall {
  private readonly controller = new AbortController();
  private readonly deadline: ReturnType<typeof setTimeout>;
  private readonly followClient = (): void => this.controller.abort(this.clientSignal.reason);
  private deadlinePassed = false;
  readonly signal = this.controller.signal;
  readonly progress = new GenerationProgress();

  constructor(timeoutMs: number, private readonly clientSignal: AbortSignal) {
    this.deadline = setTimeout(() => {
      this.deadlinePassed = true;
      this.controller.abort(new Error(`The generation passed its deadline of ${timeoutMs} ms.`));
    }, timeoutMs);
    if (clientSignal.aborted) this.followClient();
    else clientSignal.addEventListener("abort", this.followClient, { once: true });
  }

  get timedOut(): boolean {
    return this.deadlinePassed;
  }

  /** The client went away (disconnected, or cancelled its stream). */
  get abandoned(): boolean {
    return this.signal.aborted && !this.deadlinePassed;
  }

  abort(): void {
    this.controller.abort(new Error("The client went away."));
  }

  /** The call is settled: nothing may hold on to it any more. */
  end(): void {
    clearTimeout(this.deadline);
    this.clientSignal.removeEventListener("abort", this.followClient);
  }
}
