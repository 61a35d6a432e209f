package io.parley.media.turn.transport;

import io.quarkus.logging.Log;

/** Closing of sockets and selectors whose close failure changes nothing for the relay. */
public final class Sockets {
    private Sockets() {
    }

    public static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            Log.debug("close failed", e);
        }
    }
}
