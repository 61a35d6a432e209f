package io.parley.admin.audit.rest;

import io.parley.admin.audit.service.AuditLog;
import io.parley.admin.audit.service.AuditPage;
import io.parley.admin.error.AdminErrors;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/admin/audit}: every settings change, newest first, for administrators. */
@Path("/audit")
@RolesAllowed("${parley.admin.group}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit", description = "Who changed which setting, when, from what to what")
public class AuditResource {

    private final AuditLog audit;

    public AuditResource(AuditLog audit) {
        this.audit = audit;
    }

    @GET
    @Operation(summary = "Settings changes, newest first", description = "Each entry names the administrator (user id "
            + "and username), the time, the resource and its state before and after, credentials masked.")
    @APIResponse(responseCode = "200", description = "One page of the audit")
    @APIResponse(responseCode = "400", description = "INVALID_PAYLOAD: page below 0 or size outside 1..100")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: not an administrator")
    public Uni<AuditPage> page(@Parameter(description = "Page number, from 0") @QueryParam("page") @DefaultValue("0") int page,
            @Parameter(description = "Entries per page, 1..100") @QueryParam("size") @DefaultValue("20") int size) {
        if (page < 0) {
            throw AdminErrors.invalidPayload("page: must be 0 or more");
        }
        if (size < 1 || size > 100) {
            throw AdminErrors.invalidPayload("size: must be between 1 and 100");
        }
        return audit.page(page, size);
    }
}
