package io.parley.signaling.call.rest;

import io.parley.common.identity.Caller;
import io.parley.event.call.CallState;
import io.parley.signaling.call.service.CallErrors;
import io.parley.signaling.call.service.CallService;
import io.parley.signaling.call.service.CallView;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Live calls for administrators (the admin group), in the spirit of WCS's {@code /call/find_all} and
 * {@code /call/terminate}: find every call that has not ended, read one, end one. A termination is logged and
 * published on Kafka as the call's ENDED event (reason TERMINATED, ended by the administrator).
 */
@Path("/admin/calls")
@RolesAllowed("${parley.admin.group}")
@Produces(MediaType.APPLICATION_JSON)
public class AdminCallResource {

    private final CallService calls;
    private final JsonWebToken token;

    public AdminCallResource(CallService calls, JsonWebToken token) {
        this.calls = calls;
        this.token = token;
    }

    @GET
    @Operation(summary = "Every call that has not ended, oldest first; filter by a party's user id and by state")
    public Uni<List<CallView>> live(@QueryParam("user") String userId, @QueryParam("state") String state,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw CallErrors.invalidPayload("limit must be between 1 and 1000");
        }
        return calls.liveCalls(userId == null || userId.isBlank() ? null : userId, state(state), limit);
    }

    @GET
    @Path("/{callId}")
    @Operation(summary = "Any call, ended or not")
    public Uni<CallView> one(@PathParam("callId") String callId) {
        return calls.anyCall(callId);
    }

    @DELETE
    @Path("/{callId}")
    @Operation(summary = "End a call whatever its state: both parties get disconnect TERMINATED, ended by you")
    public Uni<CallView> terminate(@PathParam("callId") String callId) {
        Caller admin = Caller.of(token);
        return calls.terminate(admin.userId(), callId).invoke(outcome -> {
            Log.infof("administrator %s (%s) terminated call %s", admin.username(), admin.userId(), callId);
            outcome.afterReply().run();
        }).map(CallService.Outcome::call);
    }

    private static CallState state(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            CallState parsed = CallState.valueOf(state.toUpperCase(Locale.ROOT));
            if (parsed == CallState.ENDED) {
                throw CallErrors.invalidPayload("state: live calls are not ENDED");
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw CallErrors.invalidPayload("state must be one of NEW, RINGING, ANSWERED, ESTABLISHED, HELD");
        }
    }
}
