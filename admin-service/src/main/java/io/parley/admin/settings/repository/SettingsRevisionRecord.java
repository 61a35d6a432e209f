package io.parley.admin.settings.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;

/** The single settings revision row: the version announced on Kafka, and who made the latest change. */
@Entity
@Table(name = "settings_revision")
public class SettingsRevisionRecord extends PanacheEntityBase {

    /** The id of the one row (created by the schema migration). */
    public static final int ID = 1;

    @Id
    public Integer id;
    public long version;
    @Column(name = "changed_by")
    public String changedBy;
    @Column(name = "changed_at")
    public Instant changedAt;

    /** The row, locked until the transaction ends: every change takes this lock first, so changes run one at a time. */
    public static Uni<SettingsRevisionRecord> lockForChange() {
        return findById(ID, LockModeType.PESSIMISTIC_WRITE);
    }

    public static Uni<SettingsRevisionRecord> current() {
        return findById(ID);
    }
}
