import { DEFAULT_MODELS } from "../models/DefaultModels.js"
import type { LoadedModel } from "../models/LoadedModel.js"

export type RequestLabels = { readonly mode: string; readonly model: string }

/**
 * The `mode` and `model` labels of a request rejected before it was prepared, from its raw body.
 * Anything that is not a valid mode or a loaded model is "unknown", so clients cannot add series.
 */
export const requestLabels = (body: unknown, models: ReadonlyMap<string, LoadedModel>): RequestLabels => {
  const fields = typeof body === "object" && body !== null ? (body as { readonly mode?: unknown; readonly model?: unknown }) : {}
  const named = typeof fields.model === "string" ? models.get(fields.model) : undefined
  const mode = fields.mode === undefined || fields.mode === null
    ? (named?.kind ?? "diffusion")
    : fields.mode === "diffusion" || fields.mode === "ar" ? fields.mode : "unknown"
  const model = fields.model === undefined || fields.model === null
    ? (mode === "diffusion" || mode === "ar" ? DEFAULT_MODELS[mode] : "unknown")
    : named?.name ?? "unknown"
  return { mode, model }
}
