package io.parley.signaling.call.session;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A signaling session (docs/protocol.md, "Sessions and resume"): the user, the hash of its resume token, the
 * instance and socket holding it, and since when it is detached (null while a socket holds it). Written when
 * the session first binds a call; a socket that never places or answers a call leaves no row.
 */
@Entity
@Table(name = "signaling_sessions")
public class SessionRecord extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "user_id")
    public String userId;
    @Column(name = "token_hash")
    public byte[] tokenHash;
    @Column(name = "instance_id")
    public String instanceId;
    @Column(name = "connection_id")
    public String connectionId;
    public long epoch;
    @Column(name = "detached_at")
    public Instant detachedAt;
    @Column(name = "created_at")
    public Instant createdAt;
}
