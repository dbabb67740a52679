/** How one grid cell decodes; `ar` is the KV-cached autoregressive baseline. */
export type SamplerSetting =
  | { readonly kind: "vanilla" }
  | { readonly kind: "semiAr"; readonly blockLength: number }
  | { readonly kind: "threshold"; readonly blockLength: number; readonly threshold: number }
  | {
    readonly kind: "cached"
    readonly cache: "prefix" | "dual"
    readonly blockLength: number
    /** Fast-dLLM's parallel rules; neither = the cell's fixed step schedule. */
    readonly threshold?: number
    readonly factor?: number
    /** Greedy steps read the graph's fused top-2/entropy outputs instead of full logits. */
    readonly confidenceHead: boolean
  }
  | { readonly kind: "ar" }

export const samplerLabel = (sampler: SamplerSetting): string => {
  switch (sampler.kind) {
    case "vanilla":
      return "vanilla"
    case "semiAr":
      return `semi-AR b${sampler.blockLength}`
    case "threshold":
      return `threshold ${sampler.threshold} b${sampler.blockLength}`
    case "cached": {
      const rule = sampler.threshold !== undefined ? ` threshold ${sampler.threshold}` : sampler.factor !== undefined ? ` factor ${sampler.factor}` : ""
      return `${sampler.cache} cache${rule} b${sampler.blockLength}${sampler.confidenceHead ? " + head" : ""}`
    }
    case "ar":
      return "AR + KV cache"
  }
}
