import { defineConfig } from "vitest/config";

/** End-to-end: `wrangler dev` (real workerd) in front of the real gpu-worker on the shipped models, over real HTTP. Plus the static check of src/'s import graph. */
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.test.ts", "e2e/importGraph.test.ts"],
    environment: "node",
    // Each file starts its own stack (tsc build, worker, wrangler dev); npm start's share .unmask/ and
    // .wrangler/start-state. One file at a time, also on 2 cores.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
