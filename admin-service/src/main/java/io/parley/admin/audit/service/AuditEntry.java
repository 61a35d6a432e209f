package io.parley.admin.audit.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One change as the audit shows it.
 *
 * @param id increasing with every change
 * @param at when the change committed
 * @param userId the administrator's user id (token subject)
 * @param username the administrator's login name
 * @param resource what changed: {@code webrtc-settings} or {@code providers/<id>}
 * @param before the resource before the change, as its GET shows it (credentials masked)
 * @param after the resource after the change
 */
public record AuditEntry(long id, Instant at, String userId, String username, String resource, JsonNode before,
        JsonNode after) {
}
