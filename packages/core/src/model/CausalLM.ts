import { Context, type Effect } from "effect"
import type { ModelError } from "./ModelError.js"

/** Logits of the last position [V] and an opaque cache owned by the adapter. */
export interface CausalOutput {
  readonly logits: Float32Array
  readonly cache: unknown
}

/** An autoregressive LM with a KV cache (batch 1). */
export class CausalLM extends Context.Service<CausalLM, {
  readonly prefill: (ids: Int32Array) => Effect.Effect<CausalOutput, ModelError>
  readonly step: (token: number, cache: unknown) => Effect.Effect<CausalOutput, ModelError>
}>()("@unmask/core/CausalLM") {}
