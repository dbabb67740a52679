/** What `npm run bench:infill` measures; `--stories` overrides the story count. */
export const INFILL_PLAN = {
  /** Stories of the valid split used (the first ones long enough for every cut). */
  stories: 50,
  /** Lengths of the cut-out middle, in tokens. */
  middleLengths: [8, 16, 32],
  /** The ending scored after the middle: the next tokens of the story. */
  suffixTokens: 32,
  /** The shortest prefix a story may leave before its middle. */
  minPrefixTokens: 16,
  /** The reversal case keeps only a last sentence of this many tokens (inclusive). */
  lastSentenceTokens: { min: 4, max: 40 },
  /** Monte-Carlo samples of the diffusion bound per story and middle length (one batch). */
  boundSamples: 16,
  /** How the middles are decoded: greedy, and sampling at temperature 1 (seeded per story). */
  decodings: [{ name: "greedy", temperature: 0 }, { name: "T=1", temperature: 1 }],
  /** Speed: infilling against plain continuation at equal N and T, both on the same stories. */
  speed: { stories: 8, genLength: 32, steps: 32, rounds: 2, dualBlockLength: 8 },
  /** Side-by-side examples: the first stories, at this middle length, greedy. */
  examples: { stories: 3, middleLength: 16 },
  /** The context both models share, BOS included. */
  contextLength: 256,
} as const

export type Decoding = (typeof INFILL_PLAN.decodings)[number]
