package io.parley.notification.missedcall.rest;

import io.parley.protocol.ApiException;
import io.parley.protocol.ErrorCode;
import io.parley.notification.missedcall.service.MissedCall;
import io.parley.notification.missedcall.service.MissedCallPage;
import io.parley.notification.missedcall.service.MissedCallService;
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
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /api/notification/missed-calls}: the signed-in user's missed calls. Every request is scoped to the
 * token's subject; another user's missed call is answered exactly like one that does not exist.
 */
@Path("/missed-calls")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MissedCallResource {

    static final int MAX_PAGE_SIZE = 100;

    /** What {@code read-all} changed. */
    public record ReadAll(int marked) {
    }

    private final MissedCallService missedCalls;
    private final JsonWebToken token;

    public MissedCallResource(MissedCallService missedCalls, JsonWebToken token) {
        this.missedCalls = missedCalls;
        this.token = token;
    }

    @GET
    @Operation(summary = "The caller's missed calls, newest first")
    public Uni<MissedCallPage> list(@QueryParam("unreadOnly") @DefaultValue("false") boolean unreadOnly,
            @QueryParam("page") @DefaultValue("0") String page, @QueryParam("size") @DefaultValue("20") String size) {
        // Read as text: JAX-RS answers an unparsable number with 404, the protocol says INVALID_PAYLOAD.
        int pageIndex = integer("page", page, 0, Integer.MAX_VALUE);
        int pageSize = integer("size", size, 1, MAX_PAGE_SIZE);
        return missedCalls.list(token.getSubject(), unreadOnly, pageIndex, pageSize);
    }

    @POST
    @Path("/{id}/read")
    @Operation(summary = "Mark one of the caller's missed calls read")
    public Uni<MissedCall> markRead(@PathParam("id") String id) {
        UUID missedCallId;
        try {
            missedCallId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound();
        }
        return missedCalls.markRead(token.getSubject(), missedCallId)
                .map(marked -> marked.orElseThrow(MissedCallResource::notFound));
    }

    @POST
    @Path("/read-all")
    @Operation(summary = "Mark all of the caller's missed calls read")
    public Uni<ReadAll> markAllRead() {
        return missedCalls.markAllRead(token.getSubject()).map(ReadAll::new);
    }

    private static ApiException notFound() {
        return new ApiException(ErrorCode.NOT_FOUND, "no such missed call");
    }

    private static int integer(String name, String text, int min, int max) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below, like a value out of range
        }
        throw new ApiException(ErrorCode.INVALID_PAYLOAD, max == Integer.MAX_VALUE
                ? name + " must be a whole number from " + min
                : name + " must be a whole number from " + min + " to " + max);
    }
}
