package io.parley.media.turn;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes, so tests wait for the relay without fixed sleeps. */
public final class Eventually {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private Eventually() {
    }

    /** Waits up to five seconds for {@code condition}; fails naming {@code what} otherwise. */
    public static void await(String what, BooleanSupplier condition) {
        await(what, DEFAULT_TIMEOUT, condition);
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            // A short pause between checks: the polling interval, not a guess at how long the relay needs.
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
