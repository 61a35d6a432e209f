package io.parley.signaling.call.rest;

import io.parley.common.identity.Caller;
import io.parley.event.call.CallState;
import io.parley.protocol.Payload;
import io.parley.protocol.signaling.SignalingRequests;
import io.parley.signaling.call.service.CallErrors;
import io.parley.signaling.call.service.CallService;
import io.parley.signaling.call.service.CallView;
import io.parley.signaling.call.service.Requester;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The signed-in user's calls over REST: active and connected calls, history, one call, and call control on their own
 * calls (hold, resume, DTMF, decline, hang up).
 */
@Path("/calls")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class CallResource {

    private final CallService calls;
    private final JsonWebToken token;

    public CallResource(CallService calls, JsonWebToken token) {
        this.calls = calls;
        this.token = token;
    }

    @GET
    @Path("/active")
    @Operation(summary = "Your calls that have not ended")
    public Uni<List<CallView>> active() {
        return calls.openCalls(token.getSubject());
    }

    @GET
    @Operation(summary = "Your call history, newest first")
    public Uni<CallService.HistoryPage> history(@QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("20") int size) {
        if (page < 0 || size < 1 || size > 100) {
            throw CallErrors.invalidPayload("page must be >= 0 and size between 1 and 100");
        }
        return calls.history(token.getSubject(), page, size);
    }

    @GET
    @Path("/{callId}")
    @Operation(summary = "One of your calls")
    public Uni<CallView> one(@PathParam("callId") String callId) {
        return calls.one(token.getSubject(), callId);
    }

    @POST
    @Path("/{callId}/decline")
    @Operation(summary = "Decline a call ringing for you (from a page's incoming-call popup)")
    public Uni<CallView> decline(@PathParam("callId") String callId) {
        return calls.decline(Requester.rest(Caller.of(token)), callId).invoke(o -> o.afterReply().run())
                .map(CallService.Outcome::call);
    }

    @POST
    @Path("/{callId}/hold")
    @Operation(summary = "Put one of your established calls on hold",
            description = "Both parties get `holding`; your client renegotiates and the call is HELD once the other "
                    + "party's client answers (`held`), or `hold_error` TIMEOUT after 10 s (docs/protocol.md).")
    public Uni<CallView> hold(@PathParam("callId") String callId) {
        return calls.hold(Requester.rest(Caller.of(token)), callId).invoke(o -> o.afterReply().run())
                .map(CallService.Outcome::call);
    }

    @POST
    @Path("/{callId}/resume")
    @Operation(summary = "Take a call you held off hold", description = "`resuming`, then `resumed` or `resume_error`.")
    public Uni<CallView> resume(@PathParam("callId") String callId) {
        return calls.unhold(Requester.rest(Caller.of(token)), callId).invoke(o -> o.afterReply().run())
                .map(CallService.Outcome::call);
    }

    /** The body of {@code POST /calls/{callId}/dtmf}. */
    public record DtmfBody(String digits, Integer durationMs, Integer gapMs) {
    }

    @POST
    @Path("/{callId}/dtmf")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send DTMF digits to the other party of an established call",
            description = "Signaled as a `dtmf` event and a Kafka DTMF event (not as tones in the media: those only "
                    + "the SDK's sendDigit sends). Digits 0-9 * # A-D, durationMs 40-6000 (100), gapMs 30-6000 (70).")
    public Uni<CallView> dtmf(@PathParam("callId") String callId, DtmfBody body) {
        if (body == null) {
            throw CallErrors.invalidPayload("a JSON body {digits, durationMs, gapMs} is required");
        }
        com.fasterxml.jackson.databind.node.ObjectNode payload = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.objectNode().put("callId", callId).put("digits", body.digits());
        if (body.durationMs() != null) {
            payload.put("durationMs", body.durationMs());
        }
        if (body.gapMs() != null) {
            payload.put("gapMs", body.gapMs());
        }
        return calls.dtmf(Requester.rest(Caller.of(token)), SignalingRequests.Dtmf.read(new Payload(payload)))
                .invoke(o -> o.afterReply().run()).map(CallService.Outcome::call);
    }

    @GET
    @Path("/connected")
    @Operation(summary = "Your connected call (answered or established, not held), or 204 when you have none")
    public Uni<jakarta.ws.rs.core.Response> connected() {
        return calls.openCalls(token.getSubject()).map(list -> list.stream()
                .filter(c -> c.state() == CallState.ANSWERED || c.state() == CallState.ESTABLISHED).findFirst()
                .map(c -> jakarta.ws.rs.core.Response.ok(c).build())
                .orElseGet(() -> jakarta.ws.rs.core.Response.noContent().build()));
    }

    @POST
    @Path("/{callId}/hangup")
    @Operation(summary = "End one of your calls: cancels, declines or hangs up as fits its state")
    public Uni<CallView> hangup(@PathParam("callId") String callId) {
        return calls.endAnyway(Requester.rest(Caller.of(token)), callId).invoke(o -> o.afterReply().run())
                .map(CallService.Outcome::call);
    }
}
