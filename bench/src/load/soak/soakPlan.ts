/**
 * The soak's traffic mix. Every lane is paced (at most one request per `intervalMs`), so the whole
 * mix stays below the edge's per-IP shield (600 requests a minute) and every 429 comes from the
 * rate-limited key, where it is meant to.
 */

/** Which API key a lane uses: its usage is checked against what that lane's responses reported. */
export type SoakKey = "main" | "cancel" | "limited"

export interface SoakLane {
  readonly name: string
  readonly key: Exclude<SoakKey, "limited">
  readonly path: "/v1/generate" | "/v1/completions"
  /** The seed is added per request. */
  readonly body: Readonly<Record<string, unknown>>
  /** Abort the stream after this many `step` frames (a cancelled stream); absent: read it to the end. */
  readonly cancelAfterFrames?: number
  readonly intervalMs: number
}

const prompt = "Once upon a time, there was a little girl named Lily. She"

export const SOAK_LANES: ReadonlyArray<SoakLane> = [
  {
    name: "diffusion, streamed",
    key: "main",
    path: "/v1/generate",
    body: { prompt, mode: "diffusion", maxTokens: 32, steps: 8, temperature: 1, stream: true },
    intervalMs: 1000,
  },
  {
    name: "AR, not streamed",
    key: "main",
    path: "/v1/generate",
    body: { prompt, mode: "ar", maxTokens: 32, temperature: 1 },
    intervalMs: 1000,
  },
  {
    name: "diffusion, OpenAI, dual cache + threshold",
    key: "main",
    path: "/v1/completions",
    body: { model: "unmask-diffusion", prompt, max_tokens: 32, steps: 32, block_length: 16, cache: "dual", threshold: 0.9 },
    intervalMs: 1000,
  },
  {
    name: "diffusion, streamed, cancelled after 3 frames",
    key: "cancel",
    path: "/v1/generate",
    body: { prompt, mode: "diffusion", maxTokens: 64, steps: 32, stream: true },
    cancelAfterFrames: 3,
    intervalMs: 1000,
  },
]

/** The 429 lane (autocannon, which sees statuses only): more requests a minute than its key allows. */
export const RATE_LIMITED_LANE = {
  name: "diffusion, streamed, over its key's limit",
  path: "/v1/generate",
  body: { prompt, mode: "diffusion", maxTokens: 32, steps: 8, temperature: 1, stream: true },
  requestsPerSecond: 1,
  keyLimits: { requestsPerMinute: 20 },
  /** Exactly `steps`: one block, no parallel rule. */
  nfePerRequest: 8,
} as const

/** A request without its whole answer after this is a hang. */
export const HANG_AFTER_MS = 60_000
/** How often the worker's and the edge's memory is sampled. */
export const MEMORY_SAMPLE_INTERVAL_MS = 10_000
/** The edge's heap on every third sample: every 30 s. */
export const EDGE_HEAP_EVERY = 3
