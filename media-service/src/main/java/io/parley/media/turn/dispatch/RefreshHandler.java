package io.parley.media.turn.dispatch;

import io.parley.media.turn.Stun;
import io.parley.media.turn.StunAttribute;
import io.parley.media.turn.StunMessage;
import io.parley.media.turn.StunResponses;
import io.parley.media.turn.allocation.Allocation;
import io.parley.media.turn.allocation.AllocationTable;
import io.parley.media.turn.auth.AuthResult.Authenticated;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Handles a Refresh request (RFC 8656 7.3): extends the allocation's lifetime, or deletes it when asked for 0. */
final class RefreshHandler {
    private final AllocationTable allocations;

    RefreshHandler(AllocationTable allocations) {
        this.allocations = allocations;
    }

    byte[] handle(StunMessage req, Authenticated auth, Allocation a) {
        StunAttribute lt = req.attribute(Stun.ATTR_LIFETIME);
        long lifetime;
        if (lt != null && lt.asU32() == 0) {
            allocations.delete(a);
            lifetime = 0;
        } else {
            lifetime = allocations.lifetimeSeconds(lt);
            a.expiresAt(System.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime));
        }
        return StunResponses.success(req, auth.key(), List.of(StunAttribute.u32(Stun.ATTR_LIFETIME, lifetime)));
    }
}
