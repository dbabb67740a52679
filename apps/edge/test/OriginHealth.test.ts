import { describe, expect, it } from "vitest";
import { OriginHealth } from "../src/forward/OriginHealth.js";

const [a, b, c] = ["http://a.test/", "http://b.test/", "http://c.test/"].map((href) => new URL(href)) as [URL, URL, URL];
const BASE_MS = 10_000;
const order = (health: OriginHealth, nowMs: number): string[] => health.tryOrder([a, b, c], nowMs).map((origin) => origin.host);

describe("OriginHealth (the per-origin circuit breaker)", () => {
  it("keeps the configured order while every origin is healthy", () => {
    expect(order(new OriginHealth(), 0)).toEqual(["a.test", "b.test", "c.test"]);
  });

  it("tries a failed origin last for its cool-down, which doubles with each consecutive failure up to 16x", () => {
    const health = new OriginHealth();
    health.failed(a, 0, BASE_MS);
    expect(order(health, BASE_MS - 1)).toEqual(["b.test", "c.test", "a.test"]);
    expect(order(health, BASE_MS)).toEqual(["a.test", "b.test", "c.test"]);
    health.failed(a, BASE_MS, BASE_MS);
    expect(order(health, 3 * BASE_MS - 1)[0]).toBe("b.test");
    expect(order(health, 3 * BASE_MS)[0]).toBe("a.test");
    for (let failure = 3; failure <= 8; failure++) health.failed(a, 0, BASE_MS);
    expect(order(health, 16 * BASE_MS - 1)[0]).toBe("b.test");
    expect(order(health, 16 * BASE_MS)[0]).toBe("a.test");
  });

  it("holds a half-open origin back while its probe runs, and closes it on success", () => {
    const health = new OriginHealth();
    health.failed(a, 0, BASE_MS);
    health.probing(a, BASE_MS, 5_000);
    expect(order(health, BASE_MS + 1)[0]).toBe("b.test");
    health.succeeded(a);
    expect(order(health, BASE_MS + 1)[0]).toBe("a.test");
    // Closed again: the next failure starts from the base cool-down.
    health.failed(a, 0, BASE_MS);
    expect(order(health, BASE_MS)[0]).toBe("a.test");
  });

  it("does not hold back a healthy origin that a request is sent to", () => {
    const health = new OriginHealth();
    health.probing(a, 0, 5_000);
    expect(order(health, 1)[0]).toBe("a.test");
  });

  it("lets a busy origin wait out its Retry-After (at most the base) without counting a failure", () => {
    const health = new OriginHealth();
    health.busy(a, 0, 2_000, BASE_MS);
    expect(order(health, 1_999)[0]).toBe("b.test");
    expect(order(health, 2_000)[0]).toBe("a.test");
    health.busy(b, 0, 3_600_000, BASE_MS);
    expect(order(health, BASE_MS)).toEqual(["a.test", "b.test", "c.test"]);
    // Busy never escalated it: one failure now cools it for the base only.
    health.failed(a, 0, BASE_MS);
    expect(order(health, BASE_MS)[0]).toBe("a.test");
  });

  it("still lists every origin when all are cooling, the soonest back first", () => {
    const health = new OriginHealth();
    health.failed(a, 0, BASE_MS);
    health.failed(a, 0, BASE_MS);
    health.failed(b, 0, BASE_MS);
    health.busy(c, 0, 1_000, BASE_MS);
    expect(order(health, 500)).toEqual(["c.test", "b.test", "a.test"]);
  });
});
