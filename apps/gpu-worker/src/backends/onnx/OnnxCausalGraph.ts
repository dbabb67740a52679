import { Effect } from "effect"
import { type InferenceSession, Tensor } from "onnxruntime-node"
import { errorMessage } from "../../errorMessage.js"
import { int64Tensor } from "./int64Tensor.js"
import type { KvShape } from "./kvLayout.js"
import { OnnxRuntimeError } from "./OnnxRuntimeError.js"

/** The causal graph's KV-cache dimensions (past_kv / present_kv are [layers, 2, B, heads, P, headDim]) and vocabulary. */
export interface CausalGraphShape extends KvShape {
  readonly vocab: number
}

export interface CausalGraphOutput {
  /** [B, S, V] */
  readonly logits: Float32Array
  /** [layers, 2, B, heads, P + S, headDim] */
  readonly presentKv: Float32Array
}

/** The causal graph: `input_ids` int64[B, S] + `past_kv` -> `logits`, `present_kv`. P = 0 is the prefill. */
export interface OnnxCausalGraph {
  readonly shape: CausalGraphShape
  readonly run: (
    ids: Int32Array,
    batch: number,
    sequence: number,
    pastKv: Float32Array,
    pastLength: number,
  ) => Effect.Effect<CausalGraphOutput, OnnxRuntimeError>
}

export const makeOnnxCausalGraph = (session: InferenceSession, shape: CausalGraphShape): OnnxCausalGraph => ({
  shape,
  run: (ids, batch, sequence, pastKv, pastLength) =>
    Effect.tryPromise({
      try: async () => {
        const outputs = await session.run({
          input_ids: int64Tensor(ids, [batch, sequence]),
          past_kv: new Tensor("float32", pastKv, [shape.layers, 2, batch, shape.heads, pastLength, shape.headDim]),
        })
        return {
          logits: outputs["logits"]!.data as Float32Array,
          presentKv: outputs["present_kv"]!.data as Float32Array,
        }
      },
      catch: (cause) => new OnnxRuntimeError({ message: `causal graph failed: ${errorMessage(cause)}` }),
    }),
})
