package io.parley.signaling.call.relay;

import java.util.Collection;
import java.util.UUID;

/** The signaling sockets on this instance (the socket layer's registry), by user and by session. */
public interface LocalConnections {

    Collection<? extends LocalConnection> ofUser(String userId);

    /** The socket holding the session on this instance, or null. */
    LocalConnection holding(UUID sessionId);
}
