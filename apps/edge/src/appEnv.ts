import type { RequestIdVariables } from "hono/request-id";
import type { Config } from "./config.js";
import type { Env } from "./env.js";

/** Hono's typing of this app: the worker bindings and what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: RequestIdVariables & {
    config: Config;
    /** Set by `requireApiKey`: the id of the authenticated key. */
    apiKeyId: string;
  };
}
