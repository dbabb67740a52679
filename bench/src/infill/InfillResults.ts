import type { MachineDescription } from "../machine/describeMachine.js"

/** Ending NLLs (nats, the whole ending) per story, for one way of writing what comes before it. */
export type EndingNlls = ReadonlyArray<number>

/** One middle length: per-story figures, in story order. */
export interface MiddleLengthResults {
  readonly middleLength: number
  /** The diffusion model's Monte-Carlo bound on the true middle given both sides, nats per token. */
  readonly diffusionBound: ReadonlyArray<number>
  readonly diffusionBoundStandardError: ReadonlyArray<number>
  /** The AR model's exact NLL of the true middle given the left side only, nats per token. */
  readonly arMiddleNll: ReadonlyArray<number>
  /** NLL of the true ending after the true middle: what a perfect middle would score. */
  readonly trueMiddleEnding: EndingNlls
  /** Per decoding (`greedy`, `T=1`): the ending's NLL after the diffusion middle (both sides) and after AR's (left only). */
  readonly endings: Readonly<Record<string, { readonly diffusion: EndingNlls; readonly ar: EndingNlls }>>
}

/** Reversal: only the last sentence is given; k tokens are written before it. */
export interface ReversalResults {
  readonly middleLength: number
  readonly trueBeforeEnding: EndingNlls
  readonly endings: Readonly<Record<string, { readonly diffusion: EndingNlls; readonly ar: EndingNlls }>>
}

/** Wall time of one generation, per setting, infilling against plain continuation at equal N and T. */
export interface SpeedCell {
  readonly setting: string
  readonly kind: "infill" | "continuation"
  /** Canvas length (BOS, prompt, N masks, and the ending when infilling), median over stories. */
  readonly canvasLength: number
  readonly nfe: number
  readonly msPerGeneration: ReadonlyArray<number>
}

export interface InfillExample {
  readonly story: number
  readonly middleLength: number
  readonly prefixTail: string
  readonly trueMiddle: string
  readonly diffusionMiddle: string
  readonly arMiddle: string
  readonly suffix: string
  readonly endingNll: { readonly trueMiddle: number; readonly diffusion: number; readonly ar: number }
}

export interface InfillResults {
  readonly startedAt: string
  readonly durationSeconds: number
  readonly machine: MachineDescription
  readonly models: { readonly diffusion: string; readonly ar: string; readonly scorer: string }
  readonly plan: {
    readonly split: string
    readonly stories: number
    readonly storiesRead: number
    readonly suffixTokens: number
    readonly boundSamples: number
    readonly remasking: string
    readonly stepsPerMiddle: string
  }
  /** Token counts of each story's prefix (the left context), in story order. */
  readonly prefixTokens: ReadonlyArray<number>
  readonly middle: ReadonlyArray<MiddleLengthResults>
  readonly reversal: ReadonlyArray<ReversalResults>
  readonly speed: ReadonlyArray<SpeedCell>
  readonly examples: ReadonlyArray<InfillExample>
  readonly reversalExamples: ReadonlyArray<{ readonly story: number; readonly lastSentence: string; readonly trueBefore: string; readonly diffusion: string; readonly ar: string }>
}
