package io.parley.notification.socket.ws;

/**
 * The first message on a new notification socket.
 *
 * @param connectionId this socket's id
 * @param userId the signed-in user (the token subject)
 * @param unreadMissedCalls the user's unread missed calls, or null when the database could not tell
 */
public record Welcome(String connectionId, String userId, Long unreadMissedCalls) {

    public static final String TYPE = "welcome";
}
