import type { TestProject } from "vitest/node";
import { BUSY_RETRY_AFTER_SECONDS, type FakeOrigins } from "./fakeOrigins.js";
import { originOf, refusedOrigin, startBusyOrigin, startHealthyOrigin, startSilentOrigin } from "./fakeWorkerOrigin.js";

declare module "vitest" {
  interface ProvidedContext {
    fakeOrigins: FakeOrigins;
  }
}

/** Starts the test-double origins the edge tests forward to, shared with the pool through `provide`. */
export default async function setup(project: TestProject) {
  const healthy = await startHealthyOrigin();
  const busy = await startBusyOrigin(BUSY_RETRY_AFTER_SECONDS);
  const silent = await startSilentOrigin();
  project.provide("fakeOrigins", { healthy: originOf(healthy), busy: originOf(busy), refused: await refusedOrigin(), silent: originOf(silent) });
  return async () => {
    silent.closeAllConnections();
    await Promise.all([healthy, busy, silent].map((server) => new Promise((resolve) => server.close(resolve))));
  };
}
