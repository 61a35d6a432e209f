package io.parley.admin.audit.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One audited change: who made it, when, and the changed resource before and after as JSON. */
@Entity
@Table(name = "audit_log")
public class AuditRecord extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "occurred_at")
    public Instant occurredAt;
    @Column(name = "user_id")
    public String userId;
    public String username;
    public String resource;
    @Column(name = "before_json")
    public String beforeJson;
    @Column(name = "after_json")
    public String afterJson;
}
