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
  /** Infilling only: the whole canvas after BOS (fixed spans included), the mask id where still masked. */
  readonly canvas?: ReadonlyArray<number>
  /** Infilling only: the fixed spans of `canvas` as [start, end); every other position is generated, in `tokens` order. */
  readonly fixed?: ReadonlyArray<readonly [number, number]>
}
