package io.parley.presence.directory.rest;

import io.parley.protocol.ApiException;
import io.parley.protocol.ErrorCode;
import io.parley.presence.directory.service.Directory;
import io.parley.presence.status.service.PresenceTracker;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code /api/presence/users}: the directory of people one can call, with their live status. */
@Path("/users")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class DirectoryResource {

    /** Largest page a search returns. */
    public static final int MAX_LIMIT = 100;

    private final Directory directory;
    private final PresenceTracker tracker;

    public DirectoryResource(Directory directory, PresenceTracker tracker) {
        this.directory = directory;
        this.tracker = tracker;
    }

    @GET
    @Operation(summary = "Users whose username, first or last name or email starts with the search text")
    public Uni<List<DirectoryEntry>> search(@QueryParam("search") String search,
            @QueryParam("limit") @DefaultValue("20") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ApiException(ErrorCode.INVALID_PAYLOAD, "limit must be between 1 and " + MAX_LIMIT);
        }
        return directory.search(search, limit).map(users -> users.stream()
                .map(user -> DirectoryEntry.of(user, tracker.statusOf(user.id()))).toList());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One user with their live status")
    public Uni<DirectoryEntry> user(@PathParam("id") String id) {
        return directory.find(id).map(user -> DirectoryEntry.of(user, tracker.statusOf(user.id())));
    }
}
