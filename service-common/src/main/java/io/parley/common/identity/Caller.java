package io.parley.common.identity;

import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The signed-in user behind a request, as the access token describes them.
 *
 * @param userId the token subject: the identity provider's stable user id
 * @param username the login name ({@code preferred_username})
 * @param name the display name
 * @param avatar the avatar URL, when the identity provider has one
 * @param groups group paths such as {@code /platform/administrators}
 */
public record Caller(String userId, String username, String name, String avatar, List<String> groups) {

    /** Reads the caller from a verified token. */
    public static Caller of(JsonWebToken token) {
        String username = token.getClaim("preferred_username");
        String name = token.getClaim("name");
        String avatar = token.getClaim("avatar");
        return new Caller(token.getSubject(), username, name == null ? username : name, avatar,
                List.copyOf(token.getGroups()));
    }
}
