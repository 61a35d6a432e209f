package io.parley.common.identity;

import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /api/<service>/me}: who this service believes the caller is. Lets a person (or a test)
 * check end to end that a token reaches a service and is accepted there.
 */
@Path("/me")
@Authenticated
public class WhoAmIResource {

    /** The caller as seen by one service. */
    public record WhoAmI(String service, String userId, String username, String name, String avatar,
            java.util.List<String> groups) {
    }

    private final JsonWebToken token;
    private final String service;

    public WhoAmIResource(JsonWebToken token, @ConfigProperty(name = "quarkus.application.name") String service) {
        this.token = token;
        this.service = service;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The signed-in user as this service sees them")
    public WhoAmI me() {
        Caller caller = Caller.of(token);
        return new WhoAmI(service, caller.userId(), caller.username(), caller.name(), caller.avatar(), caller.groups());
    }
}
