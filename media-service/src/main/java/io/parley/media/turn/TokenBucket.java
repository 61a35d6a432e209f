package io.parley.media.turn;

/** A token bucket refilled at a fixed rate per second; used for bandwidth and request-rate limits. Not thread-safe. */
public final class TokenBucket {
    private final long ratePerSecond;
    private final long capacity;
    private long tokens;
    private long lastNanos;

    /** A rate of 0 means unlimited, so callers need no special case on the hot path. */
    public TokenBucket(long ratePerSecond, long capacity, long nowNanos) {
        this.ratePerSecond = ratePerSecond;
        this.capacity = Math.max(capacity, 1);
        this.tokens = this.capacity;
        this.lastNanos = nowNanos;
    }

    public boolean tryConsume(long amount, long nowNanos) {
        if (ratePerSecond == 0) {
            return true;
        }
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            // Multiply before dividing for precision, but cap elapsed so the product cannot overflow.
            long add = Math.min(elapsed, 10_000_000_000L) * ratePerSecond / 1_000_000_000L;
            if (add > 0) {
                tokens = Math.min(capacity, tokens + add);
                // Advance only by the time the whole tokens paid for: resetting to now would drop the
                // fractional remainder and, at low rates, refill up to half as fast as configured.
                lastNanos = tokens == capacity ? nowNanos : lastNanos + add * 1_000_000_000L / ratePerSecond;
            }
        }
        if (tokens >= amount) {
            tokens -= amount;
            return true;
        }
        return false;
    }

    public boolean isFull(long nowNanos) {
        return ratePerSecond == 0 || tokens >= capacity || nowNanos - lastNanos > 1_000_000_000L * capacity / ratePerSecond;
    }
}
