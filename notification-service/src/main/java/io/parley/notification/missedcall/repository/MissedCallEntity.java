package io.parley.notification.missedcall.repository;

import io.parley.event.call.EndReason;
import io.parley.event.call.Party;
import io.parley.notification.missedcall.service.MissedCall;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code missed_call} (schema in db/migration): one missed call of one callee. */
@Entity
@Table(name = "missed_call")
public class MissedCallEntity {

    @Id
    public UUID id;

    @Column(name = "event_id", nullable = false, unique = true)
    public String eventId;

    @Column(name = "call_id", nullable = false)
    public String callId;

    @Column(name = "callee_id", nullable = false)
    public String calleeId;

    @Column(name = "caller_id", nullable = false)
    public String callerId;

    @Column(name = "caller_name")
    public String callerName;

    @Column(name = "caller_avatar")
    public String callerAvatar;

    @Column(nullable = false)
    public boolean audio;

    @Column(nullable = false)
    public boolean video;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public EndReason reason;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(nullable = false)
    public boolean read;

    /** The row for {@code call}, missed by {@code calleeId} and announced by event {@code eventId}. */
    public static MissedCallEntity of(MissedCall call, String eventId, String calleeId) {
        MissedCallEntity entity = new MissedCallEntity();
        entity.id = call.id();
        entity.eventId = eventId;
        entity.callId = call.callId();
        entity.calleeId = calleeId;
        entity.callerId = call.caller().id();
        entity.callerName = call.caller().name();
        entity.callerAvatar = call.caller().avatar();
        entity.audio = call.audio();
        entity.video = call.video();
        entity.reason = call.reason();
        entity.occurredAt = call.at();
        entity.read = call.read();
        return entity;
    }

    public MissedCall toMissedCall() {
        return new MissedCall(id, callId, new Party(callerId, callerName, callerAvatar), audio, video, reason,
                occurredAt, read);
    }
}
