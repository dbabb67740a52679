/** Shared between the Node-side test double and the tests in workerd (no imports on purpose). */

/** The test-double origins, handed from vitest's globalSetup to the pool's bindings. */
export type FakeOrigins = { healthy: string; busy: string; refused: string; silent: string };

/** What the healthy double saw of one request. */
export type RecordedRequest = {
  requestId: string | null;
  /** The signature's nonce (x-unmask-nonce). */
  nonce: string | null;
  path: string;
  body: Record<string, unknown>;
  signatureValid: boolean;
  /** The edge closed the connection before the response finished (a cancelled stream). */
  closedEarly: boolean;
};

export const FAKE_SIGNING_SECRET = "test-signing-secret";
export const BUSY_RETRY_AFTER_SECONDS = 7;
