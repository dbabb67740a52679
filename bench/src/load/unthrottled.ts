/** Key limits no load here reaches: a run measures the stack, not the key's bucket, unless it says so. */
export const UNTHROTTLED = { requestsPerMinute: 1_000_000, tokensPerMinute: 100_000_000, concurrentRequests: 1000, tokensPerDay: 1_000_000_000 }
