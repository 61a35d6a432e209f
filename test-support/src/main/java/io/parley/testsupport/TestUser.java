package io.parley.testsupport;

import java.net.URI;
import java.util.UUID;

/**
 * A user of the test issuer with a name no other test uses: what a test leaves behind (presence choices,
 * records on the shared broker, missed calls in the shared database) outlives it, so each test brings its own
 * people. The one test-user helper of every module.
 *
 * @param name the username, e.g. {@code ann-1f3a9c2e}
 * @param id the token subject, i.e. the presence user id
 * @param token a valid access token
 */
public record TestUser(String name, String id, String token) {

    public static TestUser unique(String prefix) {
        String name = uniqueName(prefix);
        return new TestUser(name, TestOidcIssuer.subjectOf(name), SharedInfrastructure.oidc().accessToken(name));
    }

    /** A username no other test uses, e.g. {@code ann-1f3a9c2e}. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Opens a presence socket at {@code endpoint} (the http URL of /ws/presence) as this user. */
    public WsTestClient connect(URI endpoint) throws Exception {
        return WsTestClient.connect(ws(endpoint), token, name);
    }

    /** The WebSocket form of a test http URL. */
    public static URI ws(URI http) {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }
}
