import type { GenerateResponse, StepFrame } from "@unmask/wire"

/** What a running generation yields: step events (when streaming), then one Done. */
export type GenerationUpdate =
  | { readonly _tag: "Step"; readonly event: StepFrame }
  | { readonly _tag: "Done"; readonly response: GenerateResponse }
