package io.parley.admin.webrtc.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The saved WebRTC settings: one row, absent until an administrator first saves them. */
@Entity
@Table(name = "webrtc_settings")
public class WebRtcSettingsRecord extends PanacheEntityBase {

    /** The id of the one row. */
    public static final int ID = 1;

    @Id
    public Integer id;
    /** JSON array of {@link io.parley.admin.webrtc.model.IceServer}, credentials included. */
    @Column(name = "ice_servers")
    public String iceServers;
    @Column(name = "ice_transport_policy")
    public String iceTransportPolicy;
    @Column(name = "bundle_policy")
    public String bundlePolicy;
    @Column(name = "ice_candidate_pool_size")
    public int iceCandidatePoolSize;
    @Column(name = "use_parley_turn")
    public boolean useParleyTurn;
    /** JSON array of URIs. */
    @Column(name = "parley_turn_urls")
    public String parleyTurnUrls;
    public long version;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
