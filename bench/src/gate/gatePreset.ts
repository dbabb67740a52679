/** What one gate round measures. Each round runs every generation and call once more. */
export interface GatePlan {
  /** N of the generation runs (P = 0: BOS only). */
  readonly genLength: number
  /** Timed runs of each generation setting per round, after one discarded warm-up run. */
  readonly runsPerRound: number
  /** Timed single model calls of each shape per round, after `warmupCalls` discarded ones. */
  readonly callsPerRound: number
  readonly warmupCalls: number
  /** The batched call of the batching gain, over the N-token canvas. */
  readonly batch: number
  /** The long shapes of F_diff / F_AR: a diffusion call over L positions, an AR step after L − 1 cached. */
  readonly longLength: number
  /** Block length of the dual-cache runs. */
  readonly cacheBlock: number
}

export const gatePlan: GatePlan = {
  genLength: 32,
  runsPerRound: 3,
  callsPerRound: 10,
  warmupCalls: 2,
  batch: 4,
  longLength: 129,
  cacheBlock: 8,
}

/** Rounds per gate run: the settings are interleaved round by round, so a burst of other load hits all of them. */
export const DEFAULT_GATE_ROUNDS = 8
