package io.parley.signaling.call.service;

import io.parley.signaling.call.machine.HoldChange;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.event.call.Party;
import io.parley.signaling.call.repository.CallRecord;
import java.time.Instant;

/**
 * A call as clients see it (docs/protocol.md, "A Call"): no connection ids or deadlines. {@code heldBy}: who
 * holds a HELD call; {@code holdPending}: a hold or resume asked for and not confirmed yet.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallView(String callId, Party caller, Party callee, boolean audio, boolean video, String provider,
        CallState state, EndReason endReason, String endedBy, Instant createdAt, Instant answeredAt,
        Instant establishedAt, Instant endedAt, Long durationMs, String heldBy, HoldChange holdPending) {

    public static CallView of(CallRecord call) {
        return new CallView(call.id.toString(), call.caller(), call.callee(), call.audio, call.video, call.provider,
                call.state, call.endReason, call.endedBy, call.createdAt, call.answeredAt, call.establishedAt,
                call.endedAt, call.durationMs, call.heldBy, call.holdPending);
    }
}
