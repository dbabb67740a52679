/** Token and model-call counts, as the edge's usage API and the responses' `usage` report them. */
export interface UsageTotals {
  readonly promptTokens: number
  readonly completionTokens: number
  readonly nfe: number
}

export const NO_USAGE: UsageTotals = { promptTokens: 0, completionTokens: 0, nfe: 0 }

export const addUsage = (a: UsageTotals, b: UsageTotals): UsageTotals => ({
  promptTokens: a.promptTokens + b.promptTokens,
  completionTokens: a.completionTokens + b.completionTokens,
  nfe: a.nfe + b.nfe,
})

/** A response's `usage`, native (`promptTokens`) or OpenAI (`prompt_tokens`); undefined when it has none. */
export const usageOf = (body: unknown): UsageTotals | undefined => {
  const usage = (body as { usage?: Record<string, unknown> } | null)?.usage
  if (usage === undefined || usage === null) return undefined
  const count = (native: string, openai: string) => Number(usage[native] ?? usage[openai])
  const totals = { promptTokens: count("promptTokens", "prompt_tokens"), completionTokens: count("completionTokens", "completion_tokens"), nfe: Number(usage["nfe"]) }
  return Object.values(totals).every(Number.isFinite) ? totals : undefined
}
