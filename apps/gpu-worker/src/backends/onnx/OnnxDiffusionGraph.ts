import { Effect } from "effect"
import type { InferenceSession } from "onnxruntime-node"
import { errorMessage } from "../../errorMessage.js"
import { int64Tensor } from "./int64Tensor.js"
import { OnnxRuntimeError } from "./OnnxRuntimeError.js"

/** The bidirectional graph: `input_ids`, `attention_mask` int64[B, L] -> `logits` float32[B, L, V]. */
export interface OnnxDiffusionGraph {
  readonly run: (
    ids: Int32Array,
    attentionMask: Int32Array,
    batch: number,
    length: number,
  ) => Effect.Effect<Float32Array, OnnxRuntimeError>
}

export const makeOnnxDiffusionGraph = (session: InferenceSession): OnnxDiffusionGraph => ({
  run: (ids, attentionMask, batch, length) =>
    Effect.tryPromise({
      try: async () => {
        const outputs = await session.run({
          input_ids: int64Tensor(ids, [batch, length]),
          attention_mask: int64Tensor(attentionMask, [batch, length]),
        })
        return outputs["logits"]!.data as Float32Array
      },
      catch: (cause) => new OnnxRuntimeError({ message: `diffusion graph failed: ${errorMessage(cause)}` }),
    }),
})
