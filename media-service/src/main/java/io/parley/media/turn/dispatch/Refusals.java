package io.parley.media.turn.dispatch;

import io.parley.media.turn.StunMessage;
import io.parley.media.turn.StunResponses;
import io.parley.media.turn.TurnMetrics;
import io.parley.media.turn.TurnMetrics.Refusal;
import java.util.List;

/** Refuses a request with an error response and counts the refusal in the metrics. */
final class Refusals {
    private final TurnMetrics metrics;

    Refusals(TurnMetrics metrics) {
        this.metrics = metrics;
    }

    /** The error response {@code code} to {@code req}, signed with {@code key} unless it is null. */
    byte[] refuse(StunMessage req, Refusal reason, int code, byte[] key) {
        metrics.refused(reason);
        return StunResponses.error(req, code, key, List.of());
    }
}
