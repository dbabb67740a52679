export type { CachedDenoiser, DenoiserCache, WindowRequest } from "./model/CachedDenoiser.js"
export { CausalLM, type CausalOutput } from "./model/CausalLM.js"
export { Denoiser } from "./model/Denoiser.js"
export { ModelError } from "./model/ModelError.js"
export type { LogitsBatch, TokenBatch } from "./model/Tensors.js"
export type { TokenIds } from "./model/TokenIds.js"
export type { ConfidenceBatch, Window, WindowPredictions } from "./model/WindowPredictions.js"

export { makeRng, type Rng } from "./random/Rng.js"

export { maskTokens, type MaskedSequence } from "./schedule/maskTokens.js"
export { numTransferTokens } from "./schedule/numTransferTokens.js"
export { EPS, pMask } from "./schedule/pMask.js"

export { type LikelihoodBound, likelihoodBound, type LikelihoodBoundOptions } from "./loss/likelihoodBound.js"
export { crossEntropy, logSoftmax, logSumExp } from "./loss/logSoftmax.js"
export { pretrainingLoss } from "./loss/pretrainingLoss.js"
export { sftLoss } from "./loss/sftLoss.js"

export { ArParams } from "./params/ArParams.js"
export { decodeParams, toInvalidParams } from "./params/decodeParams.js"
export { CacheMode, DiffusionParams, Remasking } from "./params/DiffusionParams.js"
export { InvalidParams } from "./params/InvalidParams.js"
export * from "./params/limits.js"
export {
  AR_ONLY_FIELDS,
  DEFAULT_GEN_LENGTH,
  DEFAULT_REMASKING,
  DIFFUSION_ONLY_FIELDS,
  type GenerationMode,
  type OtherModeFields,
  type ResolvedParams,
  resolveGenerationParams,
  type SamplerField,
  type SamplerFields,
  wireFieldName,
  wireFields,
  type WireParams,
} from "./params/resolveGenerationParams.js"
export { segmentMasks, TemplateSegment, TemplateSegments } from "./params/TemplateSegments.js"

export { arGenerate } from "./sampling/arGenerate.js"
export { collectResult } from "./sampling/collectResult.js"
export {
  type CanvasLayout,
  type CanvasTemplate,
  layOutTemplate,
  maskedCount,
  promptTemplate,
  type TemplateSpan,
} from "./sampling/CanvasTemplate.js"
export { diffusionGenerate, diffusionInfill } from "./sampling/diffusionGenerate.js"
export {
  advance,
  cacheWindow,
  denoiserInput,
  type DiffusionPlan,
  diffusionResult,
  type DiffusionState,
  needsFill,
  predictionsWanted,
  startDiffusion,
  startTemplateDiffusion,
} from "./sampling/DiffusionState.js"
export type { FinishReason, Frame, GenerationEvent, GenerationResult, TokenChoice, TokenLogprob } from "./sampling/GenerationEvent.js"
export { generationStream, type SamplerMachine } from "./sampling/generationStream.js"
export { type ForbiddenTokens, forbiddenTokensOf } from "./sampling/forbiddenTokens.js"
export { isGreedy, MIN_SAMPLING_TEMPERATURE } from "./sampling/isGreedy.js"
