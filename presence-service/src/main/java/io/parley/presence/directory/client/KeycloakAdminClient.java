package io.parley.presence.directory.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * Keycloak's admin REST API for users (base URL {@code quarkus.rest-client.keycloak-admin.url}), called
 * with the {@code parley-presence} service account's token, which may view and query users.
 */
@RegisterRestClient(configKey = "keycloak-admin")
@Path("/admin/realms/{realm}/users")
@Produces(MediaType.APPLICATION_JSON)
public interface KeycloakAdminClient {

    /**
     * Users whose username, first or last name or email starts with {@code search} (all users when
     * null), {@code max} from {@code first}.
     */
    @GET
    Uni<List<KeycloakUser>> users(@HeaderParam("Authorization") String authorization,
            @PathParam("realm") String realm, @QueryParam("search") String search, @QueryParam("first") int first,
            @QueryParam("max") int max, @QueryParam("briefRepresentation") boolean briefRepresentation);

    /** One user; fails with a 404 WebApplicationException for an unknown id. */
    @GET
    @Path("/{id}")
    Uni<KeycloakUser> user(@HeaderParam("Authorization") String authorization, @PathParam("realm") String realm,
            @PathParam("id") String id);
}
