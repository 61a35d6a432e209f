package io.parley.websocket;

import io.parley.protocol.EnvelopeWriter;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

/**
 * The error handler every socket of a service shares (a websockets-next global error handler): Vert.x refuses a
 * frame or message past {@code max-frame-size}/{@code max-message-size} (1 MiB, set once in this module's
 * configuration) by failing the connection with an IllegalStateException, and the protocol promises close code
 * 1009 for that, not the 1011 of a server fault.
 */
@Singleton
public class SocketLimits {

    /** Close code for a message or frame over the protocol's 1 MiB limit. */
    public static final CloseReason MESSAGE_TOO_BIG = new CloseReason(1009, "message too big");

    @OnError
    public Uni<Void> onIllegalState(WebSocketConnection connection, IllegalStateException failure) {
        if (String.valueOf(failure.getMessage()).contains("max message size")
                || String.valueOf(failure.getMessage()).contains("max frame size")) {
            Log.debugf("closing connection %s: %s", connection.id(), failure.getMessage());
            return connection.close(MESSAGE_TOO_BIG);
        }
        String correlationId = EnvelopeWriter.correlationId();
        Log.errorf(failure, "socket %s failed [%s]", connection.id(), correlationId);
        return connection.close(new CloseReason(1011, "internal error " + correlationId));
    }
}
