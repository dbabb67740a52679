/** A token bucket that refills `capacity` tokens evenly over `refillMs`, never above `capacity`. */
export interface TokenBucket {
  tokens: number;
  updatedAtMs: number;
}

export interface BucketShape {
  capacity: number;
  refillMs: number;
}

export const refill = (bucket: TokenBucket, shape: BucketShape, nowMs: number): TokenBucket => {
  const elapsedMs = Math.max(0, nowMs - bucket.updatedAtMs);
  const tokens = Math.min(shape.capacity, bucket.tokens + (elapsedMs * shape.capacity) / shape.refillMs);
  return { tokens, updatedAtMs: Math.max(nowMs, bucket.updatedAtMs) };
};

/** Milliseconds until a refilled bucket holds `needed` tokens (0 when it already does). */
export const msUntilAvailable = (bucket: TokenBucket, shape: BucketShape, needed: number): number =>
  bucket.tokens >= needed ? 0 : ((needed - bucket.tokens) * shape.refillMs) / shape.capacity;

/** Milliseconds until a refilled bucket is full again. */
export const msUntilFull = (bucket: TokenBucket, shape: BucketShape): number =>
  msUntilAvailable(bucket, shape, shape.capacity);
