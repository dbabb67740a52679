import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../appEnv.js";
import { ApiError } from "../errors.js";
import { digestsEqual, sha256 } from "../keys/digest.js";

/** The key-management API: `Authorization: Bearer <ADMIN_SECRET>`, compared in constant time. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const adminSecret = c.get("config").adminSecret;
  if (adminSecret === undefined) {
    throw new ApiError(503, "admin_disabled", "The key-management API is disabled: ADMIN_SECRET is not set.");
  }
  const presented = /^Bearer (\S+)$/.exec(c.req.header("Authorization") ?? "")?.[1] ?? "";
  // Hashing first makes both sides the same length, so the comparison leaks nothing.
  if (!digestsEqual(await sha256(presented), await sha256(adminSecret))) {
    throw new ApiError(401, "invalid_admin_secret", "Invalid or missing admin secret.", undefined, { "WWW-Authenticate": "Bearer" });
  }
  await next();
});
