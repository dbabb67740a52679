import { Effect } from "effect"
import { type InferenceSession, Tensor } from "onnxruntime-node"
import { errorMessage } from "../../errorMessage.js"
import { int64Tensor } from "./int64Tensor.js"
import type { KvShape } from "./kvLayout.js"
import { OnnxRuntimeError } from "./OnnxRuntimeError.js"


export interface CachedGraphInput {
  /** [B, Q] query tokens and their absolute positions. */
  readonly ids: Int32Array
  readonly positions: Int32Array
  readonly batch: number
  readonly queryLength: number
  /** [layers, 2, B, heads, C, headDim], keys already rotary-encoded. */
  readonly pastKv: Float32Array
  readonly pastLength: number
  /** [B, C + Q]: past keys first, then the query's; 0 = padding. */
  readonly attentionMask: Int32Array
  /** `logits`: the full [B, Q, V]; `confidence`: only the fused head's top-2 and entropy. */
  readonly fetch: "logits" | "confidence"
}

export type CachedGraphOutput =
  & {
    /** [layers, 2, B, heads, Q, headDim] */
    readonly presentKv: Float32Array
  }
  & (
    | { readonly _tag: "Logits"; readonly logits: Float32Array }
    | { readonly _tag: "Confidence"; readonly topIds: Int32Array; readonly topProbs: Float32Array; readonly entropy: Float32Array }
  )

/**
 * The cache-aware diffusion graph (`model.cached.onnx`): query tokens at given positions attend to
 * themselves and to cached keys/values. Its logits are raw: row q predicts position positions[q] + 1.
 */
export interface OnnxCachedDiffusionGraph {
  readonly shape: KvShape
  readonly run: (input: CachedGraphInput) => Effect.Effect<CachedGraphOutput, OnnxRuntimeError>
}

const int32Of = (values: BigInt64Array): Int32Array => Int32Array.from(values, Number)

export const makeOnnxCachedDiffusionGraph = (session: InferenceSession, shape: KvShape): OnnxCachedDiffusionGraph => ({
  shape,
  run: (input) =>
    Effect.tryPromise({
      try: async (): Promise<CachedGraphOutput> => {
        const { batch, queryLength, pastLength } = input
        const feeds = {
          input_ids: int64Tensor(input.ids, [batch, queryLength]),
          position_ids: int64Tensor(input.positions, [batch, queryLength]),
          past_kv: new Tensor("float32", input.pastKv, [shape.layers, 2, batch, shape.heads, pastLength, shape.headDim]),
          attention_mask: int64Tensor(input.attentionMask, [batch, pastLength + queryLength]),
        }
        if (input.fetch === "logits") {
          const outputs = await session.run(feeds, ["logits", "present_kv"])
          return {
            _tag: "Logits",
            logits: outputs["logits"]!.data as Float32Array,
            presentKv: outputs["present_kv"]!.data as Float32Array,
          }
        }
        const outputs = await session.run(feeds, ["top_ids", "top_probs", "entropy", "present_kv"])
        return {
          _tag: "Confidence",
          topIds: int32Of(outputs["top_ids"]!.data as BigInt64Array),
          topProbs: outputs["top_probs"]!.data as Float32Array,
          entropy: outputs["entropy"]!.data as Float32Array,
          presentKv: outputs["present_kv"]!.data as Float32Array,
        }
      },
      catch: (cause) => new OnnxRuntimeError({ message: `cached diffusion graph failed: ${errorMessage(cause)}` }),
    }),
})
