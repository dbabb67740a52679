import { app } from "./app.js";
import type { Env } from "./env.js";

export { KeyLimiter } from "./limits/KeyLimiter.js";

/** The edge worker: the Hono app, and the per-key limiter Durable Object exported above. */
export default app satisfies ExportedHandler<Env>;
