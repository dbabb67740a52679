/**
 * How many tokens each of `steps` denoising steps commits when `maskCount` masked tokens are
 * revealed on a linear schedule: an even split with the remainder added one each to the first
 * steps (LLaDA's `get_num_transfer_tokens`).
 */
export const numTransferTokens = (maskCount: number, steps: number): Array<number> => {
  const base = Math.floor(maskCount / steps)
  const remainder = maskCount % steps
  return Array.from({ length: steps }, (_, step) => base + (step < remainder ? 1 : 0))
}
