import { Schema } from "effect";
import type { Env } from "./env.js";
import { ApiError } from "./errors.js";
import { KeyLimits } from "./limits/keyLimits.js";

const commaList = (value: string): string[] =>
  value.split(",").map((item) => item.trim()).filter((item) => item.length > 0);

const PositiveInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1));

/**
 * A model of the worker pool: its public `id`, the `workerModel` the workers load it as (a model
 * directory name, sent as the worker request's `model`), its `kind` (the generation mode) and
 * `contextLength`, which bounds prompt + BOS + generated tokens.
 */
const Model = Schema.Struct({
  id: Schema.NonEmptyString,
  workerModel: Schema.NonEmptyString,
  kind: Schema.Literals(["diffusion", "ar"]),
  contextLength: PositiveInt,
});
export type Model = typeof Model.Type;

const variableSchemas = {
  MODELS: Schema.Array(Model).check(Schema.isMinLength(1)),
  DEFAULT_KEY_LIMITS: KeyLimits,
  UPSTREAM_TIMEOUT_MS: PositiveInt,
  ORIGIN_RESPONSE_TIMEOUT_MS: PositiveInt,
  ORIGIN_COOL_DOWN_MS: PositiveInt,
  KEEP_ALIVE_MS: PositiveInt,
} as const;

/** Validated configuration; a bad variable is a 500 that names it, never a silent default. */
export interface Config {
  workerOrigins: URL[];
  signingSecret: string;
  adminSecret: string | undefined;
  corsAllowedOrigins: string[];
  models: ReadonlyArray<Model>;
  defaultKeyLimits: KeyLimits;
  upstreamTimeoutMs: number;
  /** Per origin: how long until its response headers arrive (connect included) before the next origin is tried. */
  originResponseTimeoutMs: number;
  /** First cool-down of an origin that failed (see OriginHealth). */
  originCoolDownMs: number;
  keepAliveMs: number;
}

const misconfigured = (variable: string, why: string): ApiError =>
  new ApiError(500, "server_misconfigured", `The edge is misconfigured: ${variable} ${why}.`);

const decodeVariable = <K extends keyof typeof variableSchemas>(env: Env, name: K): (typeof variableSchemas)[K]["Type"] => {
  try {
    return Schema.decodeUnknownSync(variableSchemas[name])(env[name]);
  } catch (error) {
    throw misconfigured(name, `is invalid (${error instanceof Error ? error.message : String(error)})`);
  }
};

const parseOrigin = (origin: string): URL => {
  try {
    return new URL(origin.endsWith("/") ? origin : `${origin}/`);
  } catch {
    throw misconfigured("WORKER_ORIGINS", `contains "${origin}", which is not a URL`);
  }
};

const cache = new WeakMap<Env, Config>();

export const readConfig = (env: Env): Config => {
  const cached = cache.get(env);
  if (cached !== undefined) return cached;
  const workerOrigins = commaList(env.WORKER_ORIGINS ?? "").map(parseOrigin);
  if (workerOrigins.length === 0) throw misconfigured("WORKER_ORIGINS", "lists no origin");
  if (!env.WORKER_SIGNING_SECRET) throw misconfigured("WORKER_SIGNING_SECRET", "is not set");
  const config: Config = {
    workerOrigins,
    signingSecret: env.WORKER_SIGNING_SECRET,
    adminSecret: env.ADMIN_SECRET || undefined,
    corsAllowedOrigins: commaList(env.CORS_ALLOWED_ORIGINS ?? ""),
    models: decodeVariable(env, "MODELS"),
    defaultKeyLimits: decodeVariable(env, "DEFAULT_KEY_LIMITS"),
    upstreamTimeoutMs: decodeVariable(env, "UPSTREAM_TIMEOUT_MS"),
    originResponseTimeoutMs: decodeVariable(env, "ORIGIN_RESPONSE_TIMEOUT_MS"),
    originCoolDownMs: decodeVariable(env, "ORIGIN_COOL_DOWN_MS"),
    keepAliveMs: decodeVariable(env, "KEEP_ALIVE_MS"),
  };
  cache.set(env, config);
  return config;
};
