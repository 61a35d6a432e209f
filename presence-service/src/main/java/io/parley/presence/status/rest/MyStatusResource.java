package io.parley.presence.status.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.ApiException;
import io.parley.protocol.ErrorCode;
import io.parley.event.presence.PresenceStatus;
import io.parley.presence.status.service.ManualStatus;
import io.parley.presence.status.service.Presence;
import io.parley.presence.status.service.PresenceTracker;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /api/presence/me/status}: the caller's own presence, and their manual choice for pages that
 * have no presence socket (or scripts). {@code GET /api/presence/me} stays the shared "who am I".
 */
@Path("/me/status")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MyStatusResource {

    private final PresenceTracker tracker;
    private final JsonWebToken token;

    public MyStatusResource(PresenceTracker tracker, JsonWebToken token) {
        this.tracker = tracker;
        this.token = token;
    }

    @GET
    @Operation(summary = "The caller's effective status and manual choice")
    public Presence get() {
        return tracker.current(token.getSubject());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Choose AVAILABLE, AWAY or DND (kept across reconnects and restarts), or null to clear")
    public Presence choose(JsonNode body) {
        return tracker.choose(token.getSubject(), manualStatus(body));
    }

    private static PresenceStatus manualStatus(JsonNode body) {
        if (body == null || !body.isObject() || !body.has("status")) {
            throw invalid("body must be {\"status\": \"AVAILABLE\" | \"AWAY\" | \"DND\" | null}");
        }
        JsonNode status = body.get("status");
        if (!status.isNull() && !status.isTextual()) {
            throw invalid("status must be a string or null");
        }
        try {
            return ManualStatus.parse(status.isNull() ? null : status.asText());
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static ApiException invalid(String message) {
        return new ApiException(ErrorCode.INVALID_PAYLOAD, message);
    }
}
