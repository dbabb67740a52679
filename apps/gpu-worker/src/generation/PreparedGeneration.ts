import type { ResolvedParams, TokenIds } from "@unmask/core"
import type { PreparedCanvas } from "./PreparedCanvas.js"

/** The sampler a request runs, with its decoded parameters (core's `resolveGenerationParams`). */
export type SamplerChoice = ResolvedParams

/** A validated, tokenized request that fits every limit: ready to queue. */
export interface PreparedGeneration {
  readonly sampler: SamplerChoice
  /** The loaded model that runs it (its directory name), of the sampler's mode. */
  readonly model: string
  readonly stream: boolean
  /** BOS followed by the prompt's ids. */
  readonly promptIds: Int32Array
  /** With `suffix` or `segments`: the diffusion canvas as fixed and masked spans. */
  readonly canvas?: PreparedCanvas
  /** Tokens of every fixed span (prompt, suffix, text segments), BOS excluded: `usage.promptTokens`. */
  readonly promptTokens: number
  readonly tokenIds: TokenIds
  /** `performance.now()` when the request arrived. */
  readonly receivedAt: number
}
