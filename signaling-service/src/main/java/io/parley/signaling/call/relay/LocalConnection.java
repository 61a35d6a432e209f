package io.parley.signaling.call.relay;

import java.util.UUID;

/** A signaling socket on this instance, as {@link Delivery} sees it. */
public interface LocalConnection {

    String id();

    String userId();

    /** The session the socket holds now (it changes when the socket resumes an earlier one). */
    UUID sessionId();

    /** Sends a server message; a failure (the socket closed meanwhile) is logged, not thrown. */
    void deliver(String message);

    /** Another socket resumed this socket's session: this one loses it and is closed (4001). */
    void sessionTaken();
}
