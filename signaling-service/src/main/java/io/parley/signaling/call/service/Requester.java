package io.parley.signaling.call.service;

import io.parley.common.identity.Caller;

/**
 * Who asks for a call operation, and from which signaling socket ({@code connectionId} is null for REST
 * requests, which have none).
 */
public record Requester(String userId, String name, String avatar, String connectionId) {

    public static Requester rest(Caller caller) {
        return new Requester(caller.userId(), caller.name(), caller.avatar(), null);
    }
}
