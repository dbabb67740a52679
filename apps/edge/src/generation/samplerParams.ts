import { type GenerationMode, resolveGenerationParams, wireFieldName, wireFields } from "@unmask/core";
import type { GenerateRequest } from "@unmask/wire";
import { Effect, Result } from "effect";
import { type FieldNaming, invalidParameter } from "../validation/standardSchema.js";

/** A request whose sampler parameters are resolved (defaults filled, checked by core): what the edge forwards. */
export type ResolvedRequest = GenerateRequest & { readonly maxTokens: number };

/**
 * Resolves the sampler parameters with core's `resolveGenerationParams` — its defaults (one
 * default length for every door), its ranges and block structure, its refusal of a parameter of
 * the other mode — and puts the resolved values in the request, so the worker verifies exactly what
 * the edge reserved for. A refusal is a 400 `invalid_parameter` in the client's field names.
 */
export const resolveSamplerParams = (request: GenerateRequest, mode: GenerationMode, naming: FieldNaming): ResolvedRequest => {
  const result = Effect.runSync(Effect.result(resolveGenerationParams(mode, request)));
  if (Result.isFailure(result)) {
    const { field, message } = result.failure;
    throw invalidParameter(field === "" ? [] : field.split("."), message, (name) => naming(wireFieldName(name)));
  }
  return { ...request, ...wireFields(result.success) };
};
