package io.parley.admin.audit.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.admin.audit.repository.AuditRecord;
import io.parley.common.identity.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Instant;

/** Writes an audit entry in the transaction of the change it records, and reads the audit back by page. */
@ApplicationScoped
public class AuditLog {

    private final ObjectMapper json;

    public AuditLog(ObjectMapper json) {
        this.json = json;
    }

    /** Records a change; call inside the transaction that makes it, so there is no change without its entry. */
    public Uni<Void> record(Caller who, String resource, Object before, Object after, Instant at) {
        AuditRecord record = new AuditRecord();
        record.occurredAt = at;
        record.userId = who.userId();
        record.username = who.username();
        record.resource = resource;
        record.beforeJson = write(before);
        record.afterJson = write(after);
        return record.persist().replaceWithVoid();
    }

    /** One page of the audit, newest first. */
    public Uni<AuditPage> page(int page, int size) {
        return Panache.withSession(() -> AuditRecord.<AuditRecord>findAll(Sort.descending("id"))
                .page(Page.of(page, size)).list()
                .chain(records -> AuditRecord.count().map(total -> new AuditPage(page, size, total,
                        records.stream().map(this::entry).toList()))));
    }

    private AuditEntry entry(AuditRecord record) {
        return new AuditEntry(record.id, record.occurredAt, record.userId, record.username, record.resource,
                read(record.beforeJson), read(record.afterJson));
    }

    private String write(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode read(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
