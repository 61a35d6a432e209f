package io.parley.presence.directory.service;

import io.parley.presence.directory.client.KeycloakUser;

/**
 * A person in the directory, as the identity provider describes them.
 *
 * @param id the identity provider's user id (access token subject)
 * @param username login name
 * @param displayName "first last", or the username when the provider has no name
 * @param avatar avatar URL, or null
 */
public record DirectoryUser(String id, String username, String displayName, String avatar) {

    static DirectoryUser of(KeycloakUser user) {
        String name = ((user.firstName() == null ? "" : user.firstName()) + " "
                + (user.lastName() == null ? "" : user.lastName())).trim();
        return new DirectoryUser(user.id(), user.username(), name.isEmpty() ? user.username() : name,
                user.attribute("avatar"));
    }

    /** Whether this is someone a user could call: enabled, and not a client's service account. */
    static boolean isPerson(KeycloakUser user) {
        return user.id() != null && user.username() != null && !Boolean.FALSE.equals(user.enabled())
                && user.serviceAccountClientId() == null && !user.username().startsWith("service-account-");
    }

    boolean matches(String search) {
        String needle = search.toLowerCase();
        return username.toLowerCase().contains(needle) || displayName.toLowerCase().contains(needle);
    }
}
