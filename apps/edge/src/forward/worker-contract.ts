/**
 * The HTTP contract between the edge and a GPU worker (documented in apps/edge/README.md,
 * "Worker contract"). The request body is @unmask/wire's `GenerateRequest`; the worker team
 * implements exactly these answers.
 */

export interface WorkerUsage {
  promptTokens: number;
  completionTokens: number;
  nfe: number;
  steps: number;
  /** Generated positions per model call (N / NFE). */
  tokensPerForward: number;
}

/** The non-streaming answer, and the data of the final `done` event of a stream. */
export interface WorkerGenerateResponse {
  text: string;
  tokens: number[];
  finishReason: "length" | "eos";
  usage: WorkerUsage;
  /** Infilling only: the canvas filled in, span by span (the prompt first when not empty). */
  segments?: Array<{ text: string; generated: boolean }>;
  timings: { queueMs: number; totalMs: number; modelMs: number };
}

/**
 * Data of one `step` event: the canvas after one denoising step (AR: after one token).
 * - `text`: the generated part of the canvas decoded, masked positions shown as the mask token.
 * - `tokens`: the generated part of the canvas (prompt excluded), the mask id where still masked.
 *   Diffusion: always `maxTokens` long. AR: the tokens so far.
 * - `committed`: indices into `tokens` committed in this step.
 * - `nfe`: model calls so far; `step` counts from 0; `block` is the semi-AR block index (AR: 0).
 */
export interface StepFrame {
  step: number;
  block: number;
  text: string;
  committed: number[];
  nfe: number;
  tokens: number[];
  /** Infilling only: the whole canvas after BOS, fixed spans included; the positions outside `fixed` are `tokens`, in order. */
  canvas?: number[];
  /** Infilling only: the fixed spans of `canvas` as [start, end). */
  fixed?: Array<[number, number]>;
}

/** Every error body, from worker or edge. */
export interface WorkerErrorBody {
  error: { code: string; message: string; field?: string };
}

/** The server-sent events of a streaming generation, in order: step*, then done or error. */
export type WorkerEvent =
  | { event: "step"; data: StepFrame }
  | { event: "done"; data: WorkerGenerateResponse }
  | { event: "error"; data: WorkerErrorBody };

/** Correlates the edge's and the worker's logs; the signature headers are @unmask/wire's. */
export const REQUEST_ID_HEADER = "x-request-id";
