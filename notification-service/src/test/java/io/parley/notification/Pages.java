package io.parley.notification;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.WsTestClient;
import java.net.URI;

/** Opens notification sockets the way a page of the web client does, one per page. */
public final class Pages {

    private Pages() {
    }

    /** The ws:// address of the notification socket, from the http:// one Quarkus tests inject. */
    public static URI socketUri(URI http) {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    /** Opens a page for {@code username} and waits for its welcome. */
    public static WsTestClient open(URI socket, String username, String page) throws Exception {
        WsTestClient client = WsTestClient.connect(socket, SharedInfrastructure.oidc().accessToken(username),
                username + "/" + page);
        welcome(client);
        return client;
    }

    /** The welcome payload {@code client} received. */
    public static JsonNode welcome(WsTestClient client) {
        return client.awaitEvent("welcome", payload -> true).path("payload");
    }
}
