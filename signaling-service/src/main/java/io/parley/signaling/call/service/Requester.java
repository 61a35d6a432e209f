package io.parley.signaling.call.service;

import io.parley.common.identity.Caller;
import io.parley.signaling.call.session.SessionKey;

/**
 * Who asks for a call operation, and from which signaling socket and the session it holds ({@code session} and
 * {@code connectionId} are null for REST requests, which have neither).
 */
public record Requester(String userId, String name, String avatar, SessionKey session, String connectionId) {

    public static Requester rest(Caller caller) {
        return new Requester(caller.userId(), caller.name(), caller.avatar(), null, null);
    }
}
