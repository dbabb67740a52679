/**
 * The lowest temperature that samples. Below it (0 included) the samplers are greedy: argmax, no
 * random draw. vLLM's convention (1e-5); it also keeps logits / T finite for any float32 logit
 * (|logit| ≤ 3.4e38, so |logit / T| ≤ 3.4e43), where a vanishing T (1e-320) made it ±∞ and NaN.
 */
export const MIN_SAMPLING_TEMPERATURE = 1e-5

export const isGreedy = (temperature: number): boolean => !(temperature >= MIN_SAMPLING_TEMPERATURE)
