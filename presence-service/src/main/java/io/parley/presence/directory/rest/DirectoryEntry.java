package io.parley.presence.directory.rest;

import io.parley.event.presence.PresenceStatus;
import io.parley.presence.directory.service.DirectoryUser;

/** A directory user with their live status, as {@code /api/presence/users} returns them. */
public record DirectoryEntry(String id, String username, String displayName, String avatar, PresenceStatus status) {

    static DirectoryEntry of(DirectoryUser user, PresenceStatus status) {
        return new DirectoryEntry(user.id(), user.username(), user.displayName(), user.avatar(), status);
    }
}
