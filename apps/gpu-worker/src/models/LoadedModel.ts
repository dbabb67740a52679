import type { OnnxCachedDiffusionGraph } from "../backends/onnx/OnnxCachedDiffusionGraph.js"
import type { OnnxCausalGraph } from "../backends/onnx/OnnxCausalGraph.js"
import type { OnnxDiffusionGraph } from "../backends/onnx/OnnxDiffusionGraph.js"
import type { ModelConfig } from "./ModelConfig.js"

interface LoadedModelBase {
  /** The model's directory name under MODEL_DIR; requests name it in `model`. */
  readonly name: string
  readonly config: ModelConfig
  /** Absolute path of the tokenizer named by the config. */
  readonly tokenizerPath: string
}

export interface LoadedDiffusionModel extends LoadedModelBase {
  readonly kind: "diffusion"
  readonly graph: OnnxDiffusionGraph
  /** `undefined` when the model ships no cache-aware graph. */
  readonly cachedGraph: OnnxCachedDiffusionGraph | undefined
}

export interface LoadedArModel extends LoadedModelBase {
  readonly kind: "ar"
  readonly graph: OnnxCausalGraph
}

/** One model directory with its onnxruntime sessions open. */
export type LoadedModel = LoadedDiffusionModel | LoadedArModel
