import type { KeyLimiter } from "./limits/KeyLimiter.js";

/** Bindings and variables of the edge worker (see the root wrangler.toml). */
export interface Env {
  /** API key records by key id; holds only SHA-256 hashes of keys. */
  API_KEYS: KVNamespace;
  /** One Durable Object per API key: exact limits, revocation, usage. */
  KEY_LIMITER: DurableObjectNamespace<KeyLimiter>;
  /** Coarse per-IP shield in front of authentication. */
  IP_RATE_LIMITER: RateLimit;
  /** GPU worker base URLs, comma-separated, tried in order. */
  WORKER_ORIGINS: string;
  /** Shared secret for signing requests to the workers (a wrangler secret). */
  WORKER_SIGNING_SECRET?: string;
  /** Bearer secret of the key-management API (a wrangler secret); unset disables that API. */
  ADMIN_SECRET?: string;
  /** Browser origins allowed by CORS, comma-separated; empty allows none. */
  CORS_ALLOWED_ORIGINS: string;
  /** The models the worker pool serves. */
  MODELS: ReadonlyArray<{ id: string; workerModel: string; kind: "diffusion" | "ar"; contextLength: number }>;
  /** Limits given to new keys when the admin does not set them. */
  DEFAULT_KEY_LIMITS: { requestsPerMinute: number; tokensPerMinute: number; concurrentRequests: number; tokensPerDay: number };
  /** Deadline for one generation, streaming included, in milliseconds. */
  UPSTREAM_TIMEOUT_MS: number;
  /** Per origin: deadline for its response headers (connect included) before failing over, in milliseconds. */
  ORIGIN_RESPONSE_TIMEOUT_MS: number;
  /** First cool-down of a failed origin, in milliseconds (doubles per consecutive failure, up to 16×). */
  ORIGIN_COOL_DOWN_MS: number;
  /** Idle time after which a stream gets a keep-alive comment, in milliseconds. */
  KEEP_ALIVE_MS: number;
}
