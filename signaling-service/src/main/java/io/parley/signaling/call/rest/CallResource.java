package io.parley.signaling.call.rest;

import io.parley.common.identity.Caller;
import io.parley.signaling.call.service.CallErrors;
import io.parley.signaling.call.service.CallService;
import io.parley.signaling.call.service.CallView;
import io.parley.signaling.call.service.Requester;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
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

/** The signed-in user's calls over REST: active calls, history, one call, and ending a call from a page. */
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
    @Path("/{callId}/hangup")
    @Operation(summary = "End one of your calls: cancels, declines or hangs up as fits its state")
    public Uni<CallView> hangup(@PathParam("callId") String callId) {
        return calls.endAnyway(Requester.rest(Caller.of(token)), callId).invoke(o -> o.afterReply().run())
                .map(CallService.Outcome::call);
    }
}
