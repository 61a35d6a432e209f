package io.parley.admin.webrtc.rest;

import io.parley.admin.webrtc.model.WebRtcSettings;
import io.parley.admin.webrtc.model.WebRtcSettingsUpdate;
import io.parley.admin.webrtc.service.WebRtcSettingsService;
import io.parley.common.identity.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/admin/webrtc-settings}: ICE servers and RTCConfiguration policies, for administrators. */
@Path("/webrtc-settings")
@RolesAllowed("${parley.admin.group}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "WebRTC settings", description = "ICE (STUN/TURN) servers and the RTCConfiguration clients use")
public class WebRtcSettingsResource {

    private final WebRtcSettingsService settings;
    private final JsonWebToken token;

    public WebRtcSettingsResource(WebRtcSettingsService settings, JsonWebToken token) {
        this.settings = settings;
        this.token = token;
    }

    @GET
    @Operation(summary = "The WebRTC settings", description = "Stored ICE credentials read as \"********\"; sending "
            + "that back keeps them.")
    @APIResponse(responseCode = "200", description = "The settings and their version")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: not an administrator")
    public Uni<WebRtcSettings> read() {
        return settings.read();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the WebRTC settings", description = "Send every field and the version you read. "
            + "Audited, announced on parley.settings, and in every client configuration fetched from then on.")
    @APIResponse(responseCode = "200", description = "The settings after the change")
    @APIResponse(responseCode = "400", description = "INVALID_PAYLOAD: the message names each offending field, e.g. "
            + "iceServers[2].urls[0]; nothing is stored")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: not an administrator")
    @APIResponse(responseCode = "409", description = "CONFLICT: changed by someone else since you read it; the message "
            + "gives the current version; nothing is stored")
    public Uni<WebRtcSettings> replace(WebRtcSettingsUpdate update) {
        return settings.replace(Caller.of(token), update);
    }
}
