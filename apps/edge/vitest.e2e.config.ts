import { defineConfig } from "vitest/config";

/** End-to-end: `wrangler dev` (real workerd) in front of the real gpu-worker on the shipped models, over real HTTP. */
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
