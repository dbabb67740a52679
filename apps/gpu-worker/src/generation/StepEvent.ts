/** The data of one SSE `step` event: the canvas after one denoising step (AR: one token). */
export interface StepEvent {
  readonly step: number
  readonly block: number
  /** The generated region decoded up to the first end-of-text token; masks shown as `[MASK]`. */
  readonly text: string
  /** Positions committed in this step, 0-based in the generated region. */
  readonly committed: ReadonlyArray<number>
  readonly nfe: number
  /** Generated-region ids, the mask id where still masked. */
  readonly tokens: ReadonlyArray<number>
}
