import type { Model } from "./config.js";
import { ApiError } from "./errors.js";

/** The configured model with this public id; 400 `unknown_model` naming `field` (and listing the served ones) otherwise. */
export const servedModel = (models: ReadonlyArray<Model>, id: string, field: string): Model => {
  const model = models.find((candidate) => candidate.id === id);
  if (model !== undefined) return model;
  const served = models.map((candidate) => candidate.id).join(", ");
  throw new ApiError(400, "unknown_model", `The model "${id}" is not served here; choose one of: ${served}.`, field);
};
