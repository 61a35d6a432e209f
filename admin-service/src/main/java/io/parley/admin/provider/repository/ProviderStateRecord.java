package io.parley.admin.provider.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The administrators' choice for one call provider; a provider without a row has its default. */
@Entity
@Table(name = "providers")
public class ProviderStateRecord extends PanacheEntityBase {

    @Id
    public String id;
    public boolean enabled;
    public long version;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
