import type { TemplateSegments } from "@unmask/core";

/**
 * The body the edge sends to a GPU worker's `POST /v1/generate` (documented in apps/edge/README.md,
 * "Worker contract"); the answers, events, error bodies and headers are @unmask/wire's.
 */

export type GenerationMode = "diffusion" | "ar";
export type Remasking = "low_confidence" | "random" | "margin" | "entropy";
/** Fast-dLLM block KV cache: none, the prefix only, or prefix and suffix (dual). */
export type CacheMode = "none" | "prefix" | "dual";

/** Body of `POST /v1/generate` on the worker. */
export interface WorkerGenerateRequest {
  prompt: string;
  mode: GenerationMode;
  /** The worker's model directory name (the configured model's `workerModel`). */
  model: string;
  maxTokens: number;
  steps?: number;
  blockLength?: number;
  remasking?: Remasking;
  temperature?: number;
  topK?: number;
  topP?: number;
  cfgScale?: number;
  threshold?: number;
  factor?: number;
  cache?: CacheMode;
  seed?: number;
  stream: boolean;
  /** Diffusion only (infilling): text after the generated part; the canvas is prompt, maxTokens masks, suffix. */
  suffix?: string;
  /** Diffusion only (infilling): the canvas after the prompt, text and masked spans in order; masks = maxTokens. */
  segments?: TemplateSegments;
}
