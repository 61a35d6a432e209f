package io.parley.signaling.call.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.event.call.Party;
import io.parley.signaling.call.repository.CallRecord;
import java.time.Instant;

/** A call as clients see it (docs/protocol.md, "A Call"): no connection ids or deadlines. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallView(String callId, Party caller, Party callee, boolean audio, boolean video, String provider,
        CallState state, EndReason endReason, String endedBy, Instant createdAt, Instant answeredAt,
        Instant establishedAt, Instant endedAt, Long durationMs) {

    public static CallView of(CallRecord call) {
        return new CallView(call.id.toString(), call.caller(), call.callee(), call.audio, call.video, call.provider,
                call.state, call.endReason, call.endedBy, call.createdAt, call.answeredAt, call.establishedAt,
                call.endedAt, call.durationMs);
    }
}
