package io.parley.outbox;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * An event written in the same transaction as the change it reports, waiting to be published to Kafka; the row
 * is deleted once Kafka acknowledged the record.
 */
@Entity
@Table(name = "outbox")
public class OutboxRecord extends PanacheEntityBase {

    /** The event's id, unique. */
    @Id
    public UUID id;
    /**
     * Insertion order, from the table's sequence: rows of one key are sent in this order. Written by the
     * database, so it is only known once the row was read back.
     */
    @Column(insertable = false, updatable = false)
    public Long seq;
    public String topic;
    /** The Kafka record key; order is kept among the rows of one topic and key. */
    @Column(name = "record_key")
    public String recordKey;
    public String payload;
    @Column(name = "created_at")
    public Instant createdAt;
}
