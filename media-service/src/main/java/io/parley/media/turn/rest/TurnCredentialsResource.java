package io.parley.media.turn.rest;

import io.parley.common.identity.Caller;
import io.parley.media.turn.service.IssuedTurnCredentials;
import io.parley.media.turn.service.TurnCredentialIssuer;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code POST /api/media/turn/credentials}: TURN credentials for the signed-in user, whose token subject
 * becomes the TURN user id (per-user allocation quota, logs).
 */
@Path("/turn/credentials")
@Authenticated
public class TurnCredentialsResource {

    private final TurnCredentialIssuer issuer;
    private final JsonWebToken token;

    public TurnCredentialsResource(TurnCredentialIssuer issuer, JsonWebToken token) {
        this.issuer = issuer;
        this.token = token;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Short-lived TURN credentials and relay URIs for the signed-in user")
    public IssuedTurnCredentials mint() {
        return issuer.issue(Caller.of(token).userId());
    }
}
