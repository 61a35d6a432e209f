package io.parley.admin.clientconfig.rest;

import io.parley.admin.clientconfig.service.ClientConfig;
import io.parley.admin.clientconfig.service.ClientConfigService;
import io.parley.common.identity.Caller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/admin/client-config}: the call configuration in force for the signed-in user (any user). */
@Path("/client-config")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Client configuration", description = "What a client needs to place calls")
public class ClientConfigResource {

    private final ClientConfigService config;
    private final JsonWebToken token;

    public ClientConfigResource(ClientConfigService config, JsonWebToken token) {
        this.config = config;
        this.token = token;
    }

    @GET
    @Operation(summary = "Enabled call providers and the RTCConfiguration for the signed-in user", description = "ICE "
            + "servers include fresh per-user credentials for Parley's TURN relay when it is used; fetch again before "
            + "turnCredentialsExpireAt, and when a newer settings version is announced.")
    @APIResponse(responseCode = "200", description = "The configuration")
    @APIResponse(responseCode = "401", description = "Not signed in")
    public Uni<ClientConfig> read() {
        return config.forUser(Caller.of(token).userId());
    }
}
