package io.parley.media.turn.dispatch;

import io.parley.media.turn.TokenBucket;
import io.parley.media.turn.TurnServerConfig;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/** Limits the STUN requests per second from one source address (a token bucket each); confined to the event loop. */
final class RequestRateLimiter {
    private final int perSecond;
    private final Map<InetAddress, TokenBucket> buckets = new HashMap<>();

    RequestRateLimiter(TurnServerConfig config) {
        this.perSecond = config.requestsPerSecondPerSource();
    }

    /** Takes one request from the source's budget; always true when no limit is configured. */
    boolean tryAcquire(InetAddress source) {
        if (perSecond <= 0) {
            return true;
        }
        long now = System.nanoTime();
        TokenBucket bucket = buckets.computeIfAbsent(source, k -> new TokenBucket(perSecond, perSecond, now));
        return bucket.tryConsume(1, now);
    }

    /** Forgets sources whose bucket has refilled, which then behave as new ones. */
    void sweep(long now) {
        buckets.values().removeIf(b -> b.isFull(now));
    }
}
