package io.parley.gateway.session;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/gateway/token}: the signed-in user's current access token, refreshed by the gateway's
 * session when it is close to expiry. A signaling socket closes when the token it was opened with expires,
 * which would end the call bound to it; the web client hands the socket a fresh token before that
 * ({@code refresh_token}, docs/protocol.md). POST, never cached: a token must not land in a cache or a
 * cross-site image tag.
 */
@Path("/token")
@Authenticated
@Tag(name = "Session")
public class AccessTokenResource {

    /** What the client needs: the token and when it expires. */
    public record AccessToken(String accessToken, String expiresAt) {
    }

    private final AccessTokenCredential credential;

    public AccessTokenResource(AccessTokenCredential credential) {
        this.credential = credential;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The signed-in user's current access token and its expiry")
    public Response token() {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        noStore.setPrivate(true);
        String token = credential.getToken();
        return Response.ok(new AccessToken(token, expiry(token))).cacheControl(noStore).build();
    }

    /** The token's {@code exp} as an instant, read from its payload (its signature was checked already). */
    private static String expiry(String jwt) {
        try {
            String[] parts = jwt.split("\\.");
            String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
                    java.nio.charset.StandardCharsets.UTF_8);
            long exp = io.vertx.core.json.Json.decodeValue(payload, io.vertx.core.json.JsonObject.class).getLong("exp");
            return Instant.ofEpochSecond(exp).toString();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
