package io.parley.notification.socket.ws;

import java.util.UUID;

/**
 * One message on the notification socket, in either direction: {@code {id, type, payload}}
 * (docs/protocol.md, "Envelope").
 *
 * @param id the client's id for a request and its reply; a server id for a server event
 * @param type the message type
 * @param payload the type's fields
 */
public record Envelope(String id, String type, Object payload) {

    /** A server event with a fresh server id. */
    public static Envelope event(String type, Object payload) {
        return new Envelope("n-" + UUID.randomUUID(), type, payload);
    }
}
