package io.parley.admin.provider.rest;

import io.parley.admin.provider.service.ProviderService;
import io.parley.admin.provider.service.ProviderUpdate;
import io.parley.admin.provider.service.ProviderView;
import io.parley.common.identity.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/admin/providers}: the installed call providers, enabled or disabled by administrators. */
@Path("/providers")
@RolesAllowed("${parley.admin.group}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Call providers", description = "Ways of placing calls (WebRTC, connectors) and whether each is enabled")
public class ProviderResource {

    private final ProviderService providers;
    private final JsonWebToken token;

    public ProviderResource(ProviderService providers, JsonWebToken token) {
        this.providers = providers;
        this.token = token;
    }

    @GET
    @Operation(summary = "Every installed call provider with its enabled flag and version")
    @APIResponse(responseCode = "200", description = "The providers")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: not an administrator")
    public Uni<List<ProviderView>> list() {
        return providers.list();
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Enable or disable a call provider", description = "Send the version you read; the change is "
            + "audited and announced on parley.settings.")
    @APIResponse(responseCode = "200", description = "The provider after the change")
    @APIResponse(responseCode = "400", description = "INVALID_PAYLOAD: enabled or version missing")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: not an administrator")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such provider")
    @APIResponse(responseCode = "409", description = "CONFLICT: changed by someone else since you read it; the message "
            + "gives the current version")
    public Uni<ProviderView> update(@PathParam("id") String id, ProviderUpdate update) {
        return providers.update(Caller.of(token), id, update);
    }
}
