/**
 * Cuts generated text at the first of OpenAI's `stop` sequences (which is not included). Text
 * arrives in pieces; a tail that could still become a stop sequence is held back until it cannot.
 */
export class StopSequenceFilter {
  private pending = "";
  private hasStopped = false;

  constructor(private readonly stops: readonly string[]) {}

  get stopped(): boolean {
    return this.hasStopped;
  }

  /** Takes newly generated text; returns the part that is safe to show. */
  push(text: string): string {
    if (this.hasStopped) return "";
    this.pending += text;
    const hits = this.stops.map((stop) => this.pending.indexOf(stop)).filter((index) => index !== -1);
    if (hits.length > 0) {
      this.hasStopped = true;
      return this.pending.slice(0, Math.min(...hits));
    }
    const heldBack = Math.max(0, ...this.stops.map((stop) => this.partialStopLength(stop)));
    const safe = this.pending.slice(0, this.pending.length - heldBack);
    this.pending = this.pending.slice(safe.length);
    return safe;
  }

  /** The generation ended: what was held back can no longer become a stop sequence. */
  flush(): string {
    const rest = this.hasStopped ? "" : this.pending;
    this.pending = "";
    return rest;
  }

  /** Length of the longest end of the pending text that begins `stop`. */
  private partialStopLength(stop: string): number {
    for (let length = Math.min(stop.length - 1, this.pending.length); length > 0; length--) {
      if (this.pending.endsWith(stop.slice(0, length))) return length;
    }
    return 0;
  }
}
