import { Hono } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./appEnv.js";
import { ipRateLimit } from "./auth/ipRateLimit.js";
import { requireApiKey } from "./auth/requireApiKey.js";
import { readConfig } from "./config.js";
import { ApiError, errorResponse } from "./errors.js";
import { keyRoutes } from "./keys/routes.js";
import { nativeRoutes } from "./native/routes.js";
import { openAiRoutes } from "./openai/routes.js";
import { headerSizeLimit } from "./validation/headerSizeLimit.js";
import { requestBodyGuard } from "./validation/requestBodyGuard.js";

export const app = new Hono<AppEnv>()
  .use(requestId())
  .use(async (c, next) => {
    c.set("config", readConfig(c.env));
    await next();
  })
  .use(secureHeaders())
  .use(
    cors({
      origin: (origin, c) => (c.get("config").corsAllowedOrigins.includes(origin) ? origin : null),
      allowMethods: ["GET", "POST", "PATCH", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type", "X-Request-Id"],
      exposeHeaders: ["X-Request-Id", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"],
      maxAge: 600,
    }),
  )
  .use(requestBodyGuard)
  .use(headerSizeLimit)
  .get("/healthz", (c) => c.json({ status: "ok" }))
  .use("/v1/*", ipRateLimit, requireApiKey)
  .use("/admin/*", ipRateLimit)
  .route("/", openAiRoutes)
  .route("/", nativeRoutes)
  .route("/", keyRoutes)
  .notFound((c) => errorResponse(c, new ApiError(404, "not_found", `There is no ${c.req.method} ${new URL(c.req.url).pathname}.`)))
  .onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    console.error(`[${c.get("requestId")}]`, error);
    return errorResponse(c, new ApiError(500, "internal_error", `Something went wrong at the edge; quote request id ${c.get("requestId")}.`));
  });
