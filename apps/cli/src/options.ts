/** Sampler options as the CLI collects them; each is sent only when given (the worker applies its defaults). */
export interface SamplerOptions {
  readonly maxTokens?: number
  readonly steps?: number
  readonly blockLength?: number
  readonly remasking?: string
  readonly temperature?: number
  readonly cfgScale?: number
  readonly threshold?: number
  readonly factor?: number
  readonly cache?: string
  readonly seed?: number
  readonly topK?: number
  readonly topP?: number
}

export type GenerationMode = "diffusion" | "ar"

/** How results are written: `auto` = the live view on a TTY, plain lines otherwise. */
export type OutputStyle = "auto" | "json" | "quiet"

export interface CliOptions {
  readonly prompt: string
  readonly mode: GenerationMode
  /**
   * `--model`: the worker model to run (a model directory of the worker, e.g. `diffusion-fast`) for
   * the chosen mode, or for the diffusion run of `--compare`; `undefined`: the worker's default.
   */
  readonly model: string | undefined
  /**
   * `--suffix`: text the diffusion run's completion must lead into (infilling: the completion is the
   * middle); with `--compare`, the AR run continues the prompt alone.
   */
  readonly suffix: string | undefined
  /** Run diffusion, then AR, on the same prompt and compare them. */
  readonly compare: boolean
  readonly output: OutputStyle
  readonly url: string
  /** `--url` was given: no in-process fallback when nothing answers there. */
  readonly urlExplicit: boolean
  /** `--local`: run the shipped models in-process without trying `url`. */
  readonly local: boolean
  readonly secret: string | undefined
  readonly sampler: SamplerOptions
}

export const DEFAULT_URL = "http://127.0.0.1:8788"
