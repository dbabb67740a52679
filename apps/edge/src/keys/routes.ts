import { Schema } from "effect";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../appEnv.js";
import { requireAdmin } from "../auth/requireAdmin.js";
import { ApiError } from "../errors.js";
import type { DailyUsage } from "../limits/admissionPolicy.js";
import { KeyLimitsPatch } from "../limits/keyLimits.js";
import { jsonBody } from "../validation/jsonBody.js";
import { strictStandardSchema } from "../validation/standardSchema.js";
import { generateApiKey, isKeyId } from "./apiKey.js";
import { KeyStore } from "./KeyStore.js";

const CreateKeyBody = strictStandardSchema(
  Schema.Struct({
    name: Schema.String.check(Schema.isNonEmpty(), Schema.isMaxLength(100)),
    limits: Schema.optionalKey(KeyLimitsPatch),
  }),
);
const UpdateKeyBody = strictStandardSchema(Schema.Struct({ limits: KeyLimitsPatch }));

const keyNotFound = (id: string): ApiError => new ApiError(404, "key_not_found", `No API key has the id "${id}".`, "id");

const totalOf = (days: DailyUsage[]): Omit<DailyUsage, "day"> =>
  days.reduce(
    (total, day) => ({
      requests: total.requests + day.requests,
      promptTokens: total.promptTokens + day.promptTokens,
      completionTokens: total.completionTokens + day.completionTokens,
      nfe: total.nfe + day.nfe,
      chargedTokens: total.chargedTokens + day.chargedTokens,
    }),
    { requests: 0, promptTokens: 0, completionTokens: 0, nfe: 0, chargedTokens: 0 },
  );

/** The `:id` of the route, refused before it can create a Durable Object for a malformed id. */
const keyIdOf = (c: Context<AppEnv>): string => {
  const id = c.req.param("id") ?? "";
  if (!isKeyId(id)) throw keyNotFound(id);
  return id;
};

const limiterOf = (c: Context<AppEnv>, id: string) => c.env.KEY_LIMITER.getByName(id);

/**
 * Key management for operators, behind `Authorization: Bearer <ADMIN_SECRET>`. The key itself is
 * returned once, at creation; lists and reads never show it (only its hash is stored).
 */
export const keyRoutes = new Hono<AppEnv>()
  .use("/admin/*", requireAdmin)
  .post("/admin/keys", ...jsonBody(CreateKeyBody), async (c) => {
    const { name, limits } = c.req.valid("json");
    const { id, key, hashHex } = await generateApiKey();
    const fullLimits = { ...c.get("config").defaultKeyLimits, ...limits };
    // The Durable Object first: a key is usable only once its limiter knows it.
    await limiterOf(c, id).configure(fullLimits);
    const summary = { id, name, createdAt: new Date().toISOString(), revokedAt: null, limits: fullLimits };
    await new KeyStore(c.env.API_KEYS).put({ ...summary, hashHex });
    return c.json({ ...summary, key }, 201);
  })
  .get("/admin/keys", async (c) => c.json({ keys: await new KeyStore(c.env.API_KEYS).list() }))
  .get("/admin/keys/:id", async (c) => {
    const id = keyIdOf(c);
    const summary = await new KeyStore(c.env.API_KEYS).get(id);
    const state = await limiterOf(c, id).describe();
    if (summary === null || state === null) throw keyNotFound(id);
    return c.json({ ...summary, activeRequests: state.activeLeases });
  })
  .patch("/admin/keys/:id", ...jsonBody(UpdateKeyBody), async (c) => {
    const id = keyIdOf(c);
    const limiter = limiterOf(c, id);
    const state = await limiter.describe();
    if (state === null) throw keyNotFound(id);
    const limits = { ...state.limits, ...c.req.valid("json").limits };
    await limiter.configure(limits);
    const summary = await new KeyStore(c.env.API_KEYS).update(id, { limits });
    if (summary === null) throw keyNotFound(id);
    return c.json(summary);
  })
  .post("/admin/keys/:id/revoke", async (c) => {
    const id = keyIdOf(c);
    const limiter = limiterOf(c, id);
    if ((await limiter.describe()) === null) throw keyNotFound(id);
    // Instant in the Durable Object; KV follows within about a minute.
    await limiter.revoke();
    const summary = await new KeyStore(c.env.API_KEYS).update(id, { revokedAt: new Date().toISOString() });
    if (summary === null) throw keyNotFound(id);
    return c.json(summary);
  })
  .get("/admin/keys/:id/usage", async (c) => {
    const id = keyIdOf(c);
    const limiter = limiterOf(c, id);
    if ((await limiter.describe()) === null) throw keyNotFound(id);
    const days = await limiter.usage();
    return c.json({ id, days, total: totalOf(days) });
  });
