/** Model facts the samplers need (the worker reads them from models/<name>/config.json). */
export interface TokenIds {
  readonly maskId: number
  readonly eosId: number
  readonly vocabSize: number
  /** The padding token, when the model has one: like the mask, never emitted by a sampler. */
  readonly padId?: number
}
