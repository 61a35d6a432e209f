package io.parley.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a readiness condition until it holds, the deadline passes, or the process behind it dies. */
public final class Await {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Await() {
    }

    /**
     * Waits for {@code condition}; fails with a message naming the component and its log when the timeout
     * passes or {@code alive} turns false first.
     */
    public static void until(String component, Duration timeout, BooleanSupplier alive, BooleanSupplier condition,
            java.nio.file.Path log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 25;
        while (true) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (!alive.getAsBoolean()) {
                throw new StartupException(component, "process exited before it became ready", log);
            }
            if (System.nanoTime() > deadline) {
                throw new StartupException(component, "not ready after " + timeout.toSeconds() + " s", log);
            }
            try {
                Thread.sleep(pauseMillis); // polling interval of a readiness loop, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException(component, "interrupted while waiting for readiness", log);
            }
            pauseMillis = Math.min(250, pauseMillis * 2);
        }
    }

    /** True when a GET of the URL answers 200. */
    public static boolean http200(String url) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
