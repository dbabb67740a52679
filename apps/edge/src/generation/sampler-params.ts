import { ArParams, DiffusionParams } from "@unmask/core";
import { ApiError } from "../errors.js";
import type { WorkerGenerateRequest } from "../forward/worker-contract.js";
import { type FieldNaming, strictStandardSchema, validate } from "../validation/standard-schema.js";

const diffusionParams = strictStandardSchema(DiffusionParams);
const arParams = strictStandardSchema(ArParams);

/** OpenAI's default for `max_tokens`, used by both endpoints. */
export const DEFAULT_MAX_TOKENS = 16;

const DIFFUSION_ONLY = ["steps", "blockLength", "remasking", "cfgScale", "threshold", "factor", "cache"] as const;
const AR_ONLY = ["topK", "topP"] as const;

/** Core names the generation length `genLength`; the API calls it `maxTokens`. */
const fromCoreName = (field: string): string => (field === "genLength" ? "maxTokens" : field);

/**
 * Fills the edge's defaults (a diffusion model commits one token per step, ranked by confidence)
 * and checks the sampler parameters with core's own schemas, so edge and worker agree on every
 * range and on the block structure. Parameters of the other mode are refused by name.
 */
export const checkSamplerParams = (request: WorkerGenerateRequest, naming: FieldNaming): WorkerGenerateRequest => {
  const { prompt: _prompt, mode, model: _model, stream: _stream, maxTokens, suffix: _suffix, segments: _segments, ...sampler } = request;
  const misplaced = (mode === "diffusion" ? AR_ONLY : DIFFUSION_ONLY).find((field) => sampler[field] !== undefined);
  if (misplaced !== undefined) {
    const kind = mode === "diffusion" ? "autoregressive" : "diffusion";
    throw new ApiError(400, "invalid_parameter", `"${naming(misplaced)}" applies only to ${kind} models.`, naming(misplaced));
  }
  const toClientName = (field: string): string => naming(fromCoreName(field));
  if (mode === "ar") {
    validate(arParams, { ...sampler, maxTokens }, toClientName);
    return request;
  }
  const steps = sampler.steps ?? maxTokens;
  const remasking = sampler.remasking ?? "low_confidence";
  validate(diffusionParams, { ...sampler, genLength: maxTokens, steps, remasking }, toClientName);
  return { ...request, steps, remasking };
};
