/** How one grid cell decodes; `ar` is the KV-cached autoregressive baseline. */
export type SamplerSetting =
  | { readonly kind: "vanilla" }
  | { readonly kind: "semiAr"; readonly blockLength: number }
  | { readonly kind: "threshold"; readonly blockLength: number; readonly threshold: number }
  | { readonly kind: "ar" }

export const samplerLabel = (sampler: SamplerSetting): string => {
  switch (sampler.kind) {
    case "vanilla":
      return "vanilla"
    case "semiAr":
      return `semi-AR b${sampler.blockLength}`
    case "threshold":
      return `threshold ${sampler.threshold} b${sampler.blockLength}`
    case "ar":
      return "AR + KV cache"
  }
}
