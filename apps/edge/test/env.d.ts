import type { Env as EdgeEnv } from "../src/env.js";
import type { FakeOrigins } from "./support/fakeOrigins.js";

declare global {
  namespace Cloudflare {
    interface Env extends EdgeEnv {
      /** The test-double worker origins (test/support/fakeWorkerOrigin.ts). */
      FAKE_ORIGINS: FakeOrigins;
      /** A real Rate Limiting binding with a limit of 3, to exhaust in a test. */
      TIGHT_IP_RATE_LIMITER: RateLimit;
    }
  }
}
