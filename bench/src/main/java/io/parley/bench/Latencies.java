package io.parley.bench;

import java.util.Arrays;

/** Collects latencies in microseconds and reports exact percentiles (the counts here fit in memory). */
final class Latencies {

    private long[] values = new long[1024];
    private int size;

    synchronized void add(long micros) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = micros;
    }

    synchronized int count() {
        return size;
    }

    /** "p50 1.2 ms, p95 ..., p99 ..., max ... (n=...)" */
    synchronized String summary() {
        if (size == 0) {
            return "no samples";
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        return String.format("p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", pick(sorted, 0.50),
                pick(sorted, 0.95), pick(sorted, 0.99), sorted[size - 1] / 1000.0, size);
    }

    private static double pick(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1000.0;
    }
}
