/** Model time and calls attributed to one generation (a batched run counts fully for each member). */
export class RequestStats {
  modelMs = 0
  modelCalls = 0

  record(elapsedMs: number): void {
    this.modelMs += elapsedMs
    this.modelCalls++
  }
}
