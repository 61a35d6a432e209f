package io.parley.signaling.call.repository;

import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.event.call.Party;
import io.parley.signaling.call.machine.CallMachine;
import io.parley.signaling.call.machine.HoldChange;
import io.parley.signaling.call.machine.Side;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A call as signaling records it: parties, media, state, the sessions it is bound to, and timestamps. */
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
    @Column(name = "caller_session_id")
    public UUID callerSessionId;
    @Column(name = "callee_session_id")
    public UUID calleeSessionId;
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
    @Column(name = "media_deadline")
    public Instant mediaDeadline;
    /** The user id of the party holding a HELD call. */
    @Column(name = "held_by")
    public String heldBy;
    /** A hold or resume asked for and not yet confirmed; null when none is. */
    @Enumerated(EnumType.STRING)
    @Column(name = "hold_pending")
    public HoldChange holdPending;
    @Column(name = "hold_requested_by")
    public String holdRequestedBy;
    /** When the pending hold or resume fails as TIMEOUT unless the other party confirmed it. */
    @Column(name = "hold_deadline")
    public Instant holdDeadline;
    @Column(name = "duration_ms")
    public Long durationMs;
    /** The seq of the call's last server event (docs/protocol.md, "Sessions and resume"). */
    @Column(name = "last_seq")
    public long lastSeq;
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

    /** The side {@code userId} is on; null for someone else. */
    public Side sideOf(String userId) {
        return callerId.equals(userId) ? Side.CALLER : calleeId.equals(userId) ? Side.CALLEE : null;
    }

    public String userOf(Side side) {
        return side == Side.CALLER ? callerId : calleeId;
    }

    /** The call's hold as the {@link CallMachine} sees it. */
    public CallMachine.Hold hold() {
        return new CallMachine.Hold(holdPending, holdRequestedBy == null ? null : sideOf(holdRequestedBy),
                heldBy == null ? null : sideOf(heldBy));
    }

    /** The session bound to {@code side}; null while the callee has not answered. */
    public UUID sessionOf(Side side) {
        return side == Side.CALLER ? callerSessionId : calleeSessionId;
    }
}
