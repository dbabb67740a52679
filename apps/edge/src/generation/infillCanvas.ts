import { segmentMasks } from "@unmask/core";
import type { GenerateRequest } from "@unmask/wire";
import type { Model } from "../config.js";
import { ApiError } from "../errors.js";
import { countTokens } from "../tokens/tokenizer.js";
import type { FieldNaming } from "../validation/standardSchema.js";
import type { ResolvedRequest } from "./samplerParams.js";

/** The field that lays out an infilling canvas after the prompt: `segments`, `suffix`, or none (a plain prompt). */
const canvasField = (request: GenerateRequest): "segments" | "suffix" | undefined =>
  request.segments != null ? "segments" : request.suffix != null ? "suffix" : undefined;

/**
 * The tokens of every fixed span (prompt, suffix, text segments), BOS excluded, counted as the worker
 * counts them: each span encoded on its own, as plain text.
 */
export const fixedTokenCount = (request: GenerateRequest): number =>
  countTokens(request.prompt)
  + (request.suffix == null ? 0 : countTokens(request.suffix))
  + (request.segments ?? []).reduce((total, segment) => total + (segment.text === undefined ? 0 : countTokens(segment.text)), 0);

/**
 * The checks of an infilling request (`suffix` or `segments`) that come before any token is reserved:
 * a diffusion model (an autoregressive one cannot condition on the right), one of the two fields,
 * a `maxTokens` equal to the masks of `segments`, and the whole canvas (BOS, fixed spans and
 * masks) within the model's context. The shape of `segments` is checked by the body's schema.
 */
export const checkInfillCanvas = (request: ResolvedRequest, model: Model, naming: FieldNaming): void => {
  const field = canvasField(request);
  if (field === undefined) return;
  if (model.kind === "ar") {
    throw new ApiError(
      400, "unsupported_for_model",
      `"${naming(field)}" needs a diffusion model: ${model.id} is autoregressive and cannot condition on text to the right of what it writes.`,
      naming(field),
    );
  }
  if (request.segments != null && request.suffix != null) {
    throw new ApiError(400, "invalid_parameter", `"suffix" and "segments" are alternatives: give the ending as the last text segment.`, naming("suffix"));
  }
  if (request.segments != null && request.maxTokens !== segmentMasks(request.segments)) {
    throw new ApiError(
      400, "invalid_parameter",
      `"${naming("maxTokens")}" (${request.maxTokens}) must equal the masked positions of "segments" (${segmentMasks(request.segments)}), or be left out.`,
      naming("maxTokens"),
    );
  }
  const fixedTokens = fixedTokenCount(request);
  if (fixedTokens + 1 + request.maxTokens > model.contextLength) {
    const fixedAloneFit = fixedTokens + 2 <= model.contextLength;
    throw new ApiError(
      400, "context_length_exceeded",
      `The prompt and ${naming(field)} (${fixedTokens} tokens) plus ${request.maxTokens} masked positions exceed the context of ${model.id} (${model.contextLength} tokens, one of them taken by BOS).`,
      field === "segments" ? naming("segments") : fixedAloneFit ? naming("maxTokens") : naming("suffix"),
    );
  }
};
