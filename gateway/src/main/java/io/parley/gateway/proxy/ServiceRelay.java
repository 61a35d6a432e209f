package io.parley.gateway.proxy;

import io.parley.protocol.ApiError;
import io.parley.protocol.ErrorCode;
import io.quarkus.logging.Log;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;

/**
 * Relays {@code /api/<service>/...} and {@code /ws/<service>} to the services, HTTP and WebSocket alike,
 * as the signed-in user: the browser's session cookie stays at the gateway and the service receives the
 * user's access token as a bearer token, which it validates itself. Requests without a signed-in user
 * are refused with 401 here rather than redirected to a login page a script cannot follow, except a
 * WebSocket upgrade that carries its own token in the subprotocol list, which the service checks.
 */
@ApplicationScoped
public class ServiceRelay {

    /** How websockets-next reads a header from the subprotocol list: {@code quarkus-http-upgrade#<name>#<value>}. */
    private static final String TOKEN_SUBPROTOCOL_PREFIX = "quarkus-http-upgrade#Authorization#";

    private final GatewayConfig config;
    private final Vertx vertx;

    public ServiceRelay(GatewayConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
    }

    void registerRoutes(@Observes Router router) {
        config.routes().forEach((service, route) -> {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(64)
                    .setMaxWebSockets(10_000).setKeepAlive(true));
            HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client)
                    .origin(port(route), route.url().getHost());
            for (String prefix : route.paths()) {
                router.route(prefix).handler(ctx -> relay(ctx, service, proxy));
                router.route(prefix + "/*").handler(ctx -> relay(ctx, service, proxy));
            }
            Log.infof("relaying %s to %s as %s", route.paths(), route.url(), service);
        });
    }

    private void relay(RoutingContext ctx, String service, HttpProxy proxy) {
        String token = accessToken(ctx);
        var headers = ctx.request().headers();
        if (token != null) {
            headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        } else if (!carriesTokenInSubprotocol(ctx)) {
            ctx.response().setStatusCode(401).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(Json.encode(new ApiError(ErrorCode.UNAUTHENTICATED, "sign in first", UUID.randomUUID().toString())));
            return;
        }
        headers.remove(HttpHeaders.COOKIE);
        headers.set("X-Forwarded-Host", String.valueOf(ctx.request().authority()));
        headers.set("X-Forwarded-Proto", ctx.request().scheme());
        proxy.handle(ctx.request());
    }

    /**
     * A browser client without a gateway session (the JS SDK given a token) cannot set headers on a WebSocket
     * upgrade and sends the token in the subprotocol list instead (docs/protocol.md). The gateway does not read
     * it: the upgrade goes to the service unchanged, which validates the token as it does every token.
     */
    private static boolean carriesTokenInSubprotocol(RoutingContext ctx) {
        String upgrade = ctx.request().getHeader(HttpHeaders.UPGRADE);
        String subprotocols = ctx.request().getHeader("Sec-WebSocket-Protocol");
        return "websocket".equalsIgnoreCase(upgrade) && subprotocols != null
                && subprotocols.contains(TOKEN_SUBPROTOCOL_PREFIX);
    }

    private static String accessToken(RoutingContext ctx) {
        if (!(ctx.user() instanceof QuarkusHttpUser user)) {
            return null;
        }
        SecurityIdentity identity = user.getSecurityIdentity();
        if (identity == null || identity.isAnonymous()) {
            return null;
        }
        AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
        return credential == null ? null : credential.getToken();
    }

    private static int port(GatewayConfig.Route route) {
        int port = route.url().getPort();
        return port > 0 ? port : ("https".equals(route.url().getScheme()) ? 443 : 80);
    }
}
