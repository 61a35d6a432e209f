package io.parley.media.echo;

import java.time.Instant;

/**
 * {@code GET /api/media/echo/{id}}: an echo test call's state and what the server received and sent back.
 *
 * @param state {@code connecting}, {@code connected} or {@code ended}
 * @param endReason null until ended, then {@code HANGUP}, {@code DISCONNECTED}, {@code TIME_LIMIT} or {@code FAILED}
 */
public record EchoReport(String id, String state, String endReason, Instant startedAt, MediaReport.Video video,
        MediaReport.Audio audio, Double roundTripTimeMs) {

    public static EchoReport of(String id, EchoState state, EndReason endReason, Instant startedAt, MediaReport media) {
        return new EchoReport(id, state.wireName(), endReason == null ? null : endReason.name(), startedAt,
                media.video(), media.audio(), media.roundTripTimeMs());
    }
}
