package io.parley.media.echo.rest;

import io.parley.common.identity.Caller;
import io.parley.media.echo.EchoReport;
import io.parley.media.echo.service.EchoAnswer;
import io.parley.media.echo.service.EchoSessions;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code /api/media/echo}: the echo test call ("Test your setup"). The signed-in user calls a server peer that
 * sends their own video back with a test tone and reports what it received; only that user can read or end it.
 */
@Path("/echo")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Echo test call", description = "Call a server peer that echoes your video and reports what it received")
public class EchoResource {

    private final EchoSessions sessions;
    private final JsonWebToken token;

    public EchoResource(EchoSessions sessions, JsonWebToken token) {
        this.sessions = sessions;
        this.token = token;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start an echo test call", description = "Send a complete SDP offer (ICE gathering "
            + "finished); the answer carries every server candidate. The server ends the call after "
            + "maxDurationSeconds.")
    @APIResponse(responseCode = "201", description = "{id, sdp (the complete answer), maxDurationSeconds}")
    @APIResponse(responseCode = "400", description = "INVALID_PAYLOAD: sdp missing or unusable")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "503", description = "ECHO_BUSY (every slot in use; see Retry-After) or "
            + "ECHO_UNAVAILABLE (the media engine is not available on this server)")
    public Uni<RestResponse<EchoAnswer>> start(EchoOffer offer) {
        String userId = Caller.of(token).userId();
        return Uni.createFrom().completionStage(() -> sessions.start(userId, offer == null ? null : offer.sdp()))
                .map(answer -> RestResponse.ResponseBuilder.<EchoAnswer>create(RestResponse.Status.CREATED)
                        .location(URI.create("/api/media/echo/" + answer.id()))
                        .entity(answer)
                        .build());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "The echo test call's state and what the server received and sent back",
            description = "Readable for a few minutes after the call ended, with the final figures.")
    @APIResponse(responseCode = "200", description = "The report; null where not known (yet)")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such call of yours")
    public Uni<EchoReport> report(@PathParam("id") String id) {
        String userId = Caller.of(token).userId();
        return Uni.createFrom().completionStage(() -> sessions.report(userId, id));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Hang up the echo test call", description = "Idempotent on an ended call.")
    @APIResponse(responseCode = "204", description = "Ended; the server peer is closed")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such call of yours")
    public Uni<Void> hangUp(@PathParam("id") String id) {
        String userId = Caller.of(token).userId();
        return Uni.createFrom().completionStage(() -> sessions.hangUp(userId, id));
    }
}
