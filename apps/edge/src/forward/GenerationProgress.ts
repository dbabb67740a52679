import type { StepFrame } from "@unmask/wire";

/** What the worker has computed of one generation so far, as its step frames report it. */
export class GenerationProgress {
  private readonly committedPositions = new Set<number>();
  private modelCalls = 0;

  record(frame: StepFrame): void {
    this.modelCalls = Math.max(this.modelCalls, frame.nfe);
    for (const position of frame.committed) this.committedPositions.add(position);
  }

  /** Model calls (network function evaluations) so far. */
  get nfe(): number {
    return this.modelCalls;
  }

  /** Generated positions committed so far (AR: tokens generated). */
  get positions(): number {
    return this.committedPositions.size;
  }
}
