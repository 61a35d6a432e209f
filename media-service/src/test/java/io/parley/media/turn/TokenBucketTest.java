package io.parley.media.turn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The token bucket behind the bandwidth and request-rate limits, driven with explicit nanosecond timestamps. */
class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void refillKeepsFractionsOfATokenAtLowRates() {
        TokenBucket bucket = new TokenBucket(10, 10, 0);
        assertTrue(bucket.tryConsume(10, 0));
        // 10 tokens/s: by 300 ms three tokens have been earned, even when taken one at a time every 150 ms.
        assertTrue(bucket.tryConsume(1, SECOND * 15 / 100));
        assertTrue(bucket.tryConsume(1, SECOND * 30 / 100));
        assertTrue(bucket.tryConsume(1, SECOND * 30 / 100));
        assertFalse(bucket.tryConsume(1, SECOND * 30 / 100));
    }

    @Test
    void refillStopsAtCapacity() {
        TokenBucket bucket = new TokenBucket(10, 10, 0);
        assertTrue(bucket.tryConsume(10, 0));
        assertTrue(bucket.tryConsume(10, 60 * SECOND));
        assertFalse(bucket.tryConsume(1, 60 * SECOND));
        assertTrue(bucket.isFull(62 * SECOND));
    }

    @Test
    void zeroRateIsUnlimited() {
        TokenBucket bucket = new TokenBucket(0, 0, 0);
        assertTrue(bucket.tryConsume(Long.MAX_VALUE / 2, 0));
        assertTrue(bucket.tryConsume(Long.MAX_VALUE / 2, 0));
    }
}
