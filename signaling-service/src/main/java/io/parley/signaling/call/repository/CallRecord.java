package io.parley.signaling.call.repository;

import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.event.call.Party;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A call as signaling records it: parties, media, state, the connections it is bound to, and timestamps. */
@Entity
@Table(name = "calls")
public class CallRecord extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "caller_id")
    public String callerId;
    @Column(name = "caller_name")
    public String callerName;
    @Column(name = "caller_avatar")
    public String callerAvatar;
    @Column(name = "callee_id")
    public String calleeId;
    @Column(name = "callee_name")
    public String calleeName;
    @Column(name = "callee_avatar")
    public String calleeAvatar;
    public boolean audio;
    public boolean video;
    public String provider;
    @Enumerated(EnumType.STRING)
    public CallState state;
    @Enumerated(EnumType.STRING)
    @Column(name = "end_reason")
    public EndReason endReason;
    @Column(name = "ended_by")
    public String endedBy;
    @Column(name = "caller_connection_id")
    public String callerConnectionId;
    @Column(name = "callee_connection_id")
    public String calleeConnectionId;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "answered_at")
    public Instant answeredAt;
    @Column(name = "established_at")
    public Instant establishedAt;
    @Column(name = "ended_at")
    public Instant endedAt;
    @Column(name = "ring_deadline")
    public Instant ringDeadline;
    @Column(name = "negotiation_deadline")
    public Instant negotiationDeadline;
    @Column(name = "duration_ms")
    public Long durationMs;
    public long version;

    public Party caller() {
        return new Party(callerId, callerName, callerAvatar);
    }

    public Party callee() {
        return new Party(calleeId, calleeName, calleeAvatar);
    }

    /** True when {@code userId} is one of the two parties. */
    public boolean hasParty(String userId) {
        return callerId.equals(userId) || calleeId.equals(userId);
    }

    /** The connection the other party's messages go to, from {@code userId}'s point of view. */
    public String peerConnectionOf(String userId) {
        return callerId.equals(userId) ? calleeConnectionId : callerConnectionId;
    }

    /** The connection bound to {@code userId}'s side of the call. */
    public String connectionOf(String userId) {
        return callerId.equals(userId) ? callerConnectionId : calleeConnectionId;
    }

    /** The other party's user id. */
    public String peerOf(String userId) {
        return callerId.equals(userId) ? calleeId : callerId;
    }
}
