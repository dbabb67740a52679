/** Model facts the samplers need (the worker reads them from models/<name>/config.json). */
export interface TokenIds {
  readonly maskId: number
  readonly eosId: number
  readonly vocabSize: number
}
