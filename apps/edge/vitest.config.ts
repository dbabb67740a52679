import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { FAKE_SIGNING_SECRET } from "./test/support/fakeOrigins.js";

export const TEST_ADMIN_SECRET = "test-admin-secret";

/**
 * The edge's tests run inside workerd with the root wrangler.toml's bindings; only secrets,
 * the test-double origins and a tight extra rate limiter (for the IP shield test) are added.
 */
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => {
      const origins = inject("fakeOrigins");
      return {
        wrangler: { configPath: "../../wrangler.toml" },
        miniflare: {
          bindings: {
            WORKER_ORIGINS: origins.healthy,
            WORKER_SIGNING_SECRET: FAKE_SIGNING_SECRET,
            ADMIN_SECRET: TEST_ADMIN_SECRET,
            FAKE_ORIGINS: origins,
          },
          ratelimits: { TIGHT_IP_RATE_LIMITER: { namespace_id: "9001", simple: { limit: 3, period: 60 } } },
        },
      };
    }),
  ],
  test: {
    globalSetup: ["test/support/globalSetup.ts"],
    include: ["test/**/*.test.ts"],
  },
});
