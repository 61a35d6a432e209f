package io.parley.admin.settings.outbox;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An event written in the same transaction as the change it reports, waiting to be published to Kafka. */
@Entity
@Table(name = "outbox")
public class OutboxRecord extends PanacheEntityBase {

    @Id
    public UUID id;
    public String topic;
    @Column(name = "record_key")
    public String recordKey;
    /** The settings version the event carries. */
    public long version;
    public String payload;
    @Column(name = "created_at")
    public Instant createdAt;
}
