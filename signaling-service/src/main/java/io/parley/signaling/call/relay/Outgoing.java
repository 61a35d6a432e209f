package io.parley.signaling.call.relay;

import java.util.UUID;

/**
 * A server message for a user: to the socket holding {@code sessionId}, wherever it is, or to every socket of
 * the user ({@code sessionId} null). A message for a session no socket holds is dropped; its call's replay log
 * keeps it for the resume.
 */
public record Outgoing(String userId, UUID sessionId, String body) {

    public static Outgoing toSession(String userId, UUID sessionId, String body) {
        return new Outgoing(userId, sessionId, body);
    }

    public static Outgoing toEverySocket(String userId, String body) {
        return new Outgoing(userId, null, body);
    }
}
