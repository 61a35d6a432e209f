package io.parley.presence.directory.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * The part of Keycloak's UserRepresentation the directory reads.
 *
 * @param serviceAccountClientId set on a client's service-account user, who is nobody to call
 * @param attributes user attributes; the demo realm keeps the avatar URL in {@code avatar}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record KeycloakUser(String id, String username, String firstName, String lastName, Boolean enabled,
        String serviceAccountClientId, Map<String, List<String>> attributes) {

    /** The first value of an attribute, or null. */
    public String attribute(String name) {
        if (attributes == null) {
            return null;
        }
        List<String> values = attributes.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
