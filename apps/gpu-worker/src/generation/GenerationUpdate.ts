import type { GenerateResponse } from "./GenerateResponse.js"
import type { StepEvent } from "./StepEvent.js"

/** What a running generation yields: step events (when streaming), then one Done. */
export type GenerationUpdate =
  | { readonly _tag: "Step"; readonly event: StepEvent }
  | { readonly _tag: "Done"; readonly response: GenerateResponse }
