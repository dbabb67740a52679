/** How long an origin that failed is tried only after the healthy ones. */
export const ORIGIN_COOL_DOWN_MS = 10_000;

/** Cool-downs by origin, per isolate: a hint for ordering, not shared state that must be exact. */
const coolingUntilMs = new Map<string, number>();

/** Healthy origins first, in configured order, then cooling ones (so a full outage still retries all). */
export const originsInTryOrder = (origins: readonly URL[], nowMs: number): URL[] => {
  const cooling = (origin: URL): boolean => (coolingUntilMs.get(origin.href) ?? 0) > nowMs;
  return [...origins.filter((origin) => !cooling(origin)), ...origins.filter(cooling)];
};

export const coolDown = (origin: URL, nowMs: number): void => {
  coolingUntilMs.set(origin.href, nowMs + ORIGIN_COOL_DOWN_MS);
};
