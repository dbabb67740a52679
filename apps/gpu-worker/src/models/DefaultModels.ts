import type { ModelKind } from "./ModelConfig.js"

/** The model a request without `model` gets, per mode; without MODELS the worker requires both. */
export const DEFAULT_MODELS: Readonly<Record<ModelKind, string>> = { diffusion: "diffusion", ar: "ar" }

/** The kind a default model's directory must hold; `undefined` for any other name. */
export const kindOfDefaultModel = (name: string): ModelKind | undefined =>
  name === DEFAULT_MODELS.diffusion ? "diffusion" : name === DEFAULT_MODELS.ar ? "ar" : undefined
