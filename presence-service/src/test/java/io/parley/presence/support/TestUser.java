package io.parley.presence.support;

import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import io.parley.testsupport.WsTestClient;
import java.net.URI;
import java.util.UUID;

/**
 * A user of the test issuer with a name no other test uses: presence outlives a test (manual choices,
 * records on the shared broker), so each test brings its own people.
 *
 * @param name the username, e.g. {@code ann-1f3a9c2e}
 * @param id the token subject, i.e. the presence user id
 * @param token a valid access token
 */
public record TestUser(String name, String id, String token) {

    public static TestUser unique(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new TestUser(name, TestOidcIssuer.subjectOf(name), SharedInfrastructure.oidc().accessToken(name));
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
