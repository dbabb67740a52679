/** The longest cool-down, in multiples of the base: a dead origin is still probed every few minutes. */
const MAX_COOL_DOWN_FACTOR = 16;

interface OriginState {
  /** Failures since the last success; 0 = closed (healthy). */
  consecutiveFailures: number;
  /** Not tried before this time unless every origin is cooling. */
  coolingUntilMs: number;
}

/**
 * A circuit breaker per worker origin, per isolate: a routing hint, not shared state that must be exact.
 * - Closed: tried in the configured order.
 * - Open, after a failure (unreachable, no response in time, 5xx, a rejected signature): tried only
 *   after every closed origin, for a cool-down that doubles with each consecutive failure
 *   (base, 2 × base, … up to 16 × base).
 * - Half-open, once the cool-down is over: the next request probes it, and while that probe runs
 *   the origin counts as cooling again, so concurrent requests do not all wait on a dead worker.
 *   A success closes it; a failure opens it for longer.
 * - Busy (429, or 503 with Retry-After): cooling for its Retry-After (at most the base), without
 *   counting as a failure: it is alive, only full.
 */
export class OriginHealth {
  private readonly states = new Map<string, OriginState>();

  /** Origins to try: the ones not cooling in configured order, then the cooling ones, soonest back first. */
  tryOrder(origins: readonly URL[], nowMs: number): URL[] {
    const coolingUntil = (origin: URL): number => this.states.get(origin.href)?.coolingUntilMs ?? 0;
    const ready = origins.filter((origin) => coolingUntil(origin) <= nowMs);
    const cooling = origins.filter((origin) => coolingUntil(origin) > nowMs).sort((a, b) => coolingUntil(a) - coolingUntil(b));
    return [...ready, ...cooling];
  }

  /** Called as a request is sent to `origin`: a half-open origin is held back while its probe runs. */
  probing(origin: URL, nowMs: number, probeMs: number): void {
    const state = this.states.get(origin.href);
    if (state !== undefined && state.consecutiveFailures > 0) state.coolingUntilMs = Math.max(state.coolingUntilMs, nowMs + probeMs);
  }

  succeeded(origin: URL): void {
    this.states.delete(origin.href);
  }

  failed(origin: URL, nowMs: number, baseCoolDownMs: number): void {
    const failures = (this.states.get(origin.href)?.consecutiveFailures ?? 0) + 1;
    const factor = Math.min(2 ** (failures - 1), MAX_COOL_DOWN_FACTOR);
    this.states.set(origin.href, { consecutiveFailures: failures, coolingUntilMs: nowMs + factor * baseCoolDownMs });
  }

  busy(origin: URL, nowMs: number, retryAfterMs: number, baseCoolDownMs: number): void {
    const state = this.states.get(origin.href) ?? { consecutiveFailures: 0, coolingUntilMs: 0 };
    state.coolingUntilMs = Math.max(state.coolingUntilMs, nowMs + Math.min(retryAfterMs, baseCoolDownMs));
    this.states.set(origin.href, state);
  }
}

/** This isolate's view of the pool. */
export const originHealth = new OriginHealth();
