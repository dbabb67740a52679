import { MAX_SEED } from "@unmask/core";
import { ApiError } from "../errors.js";
import { MAX_CHOICES_PER_PROMPT, MAX_GENERATIONS_PER_REQUEST } from "./completionBody.js";

/** OpenAI's `prompt`: one text or an array of texts; token-id prompts are refused naming `prompt`. */
export const completionPrompts = (prompt: string | readonly unknown[]): string[] => {
  if (typeof prompt === "string") return [prompt];
  if (prompt.length === 0) throw new ApiError(400, "invalid_parameter", `"prompt" must hold at least one text.`, "prompt");
  if (!prompt.every((text) => typeof text === "string")) {
    throw new ApiError(400, "invalid_parameter", `"prompt" must be a string or an array of strings: token-id prompts are not supported, send the text.`, "prompt");
  }
  if (prompt.length > MAX_GENERATIONS_PER_REQUEST) {
    throw new ApiError(400, "invalid_parameter", `"prompt" may hold at most ${MAX_GENERATIONS_PER_REQUEST} texts.`, "prompt");
  }
  return prompt as string[];
};

/** OpenAI's `n`: an integer from 1 to MAX_CHOICES_PER_PROMPT, with at most MAX_GENERATIONS_PER_REQUEST choices in all. */
export const choicesPerPrompt = (n: number | undefined, promptCount: number): number => {
  if (n === undefined) return 1;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CHOICES_PER_PROMPT) {
    throw new ApiError(400, "invalid_parameter", `"n" must be an integer from 1 to ${MAX_CHOICES_PER_PROMPT}.`, "n");
  }
  if (n * promptCount > MAX_GENERATIONS_PER_REQUEST) {
    throw new ApiError(
      400, "invalid_parameter",
      `"n" (${n}) times the ${promptCount} prompts asks for ${n * promptCount} choices; one request makes at most ${MAX_GENERATIONS_PER_REQUEST}.`,
      "n",
    );
  }
  return n;
};

/**
 * The seed of choice `index` (= prompt × n + j): `seed + index` (wrapping past MAX_SEED), the
 * worker's default seed 0 standing in when none was given, so choices differ and repeat with
 * the seed. Choice 0 keeps the request's own seed (or none, which core's resolver fills with 0).
 */
export const choiceSeed = (seed: number | undefined, index: number): number | undefined =>
  index === 0 ? seed : ((seed ?? 0) + index) % (MAX_SEED + 1);
