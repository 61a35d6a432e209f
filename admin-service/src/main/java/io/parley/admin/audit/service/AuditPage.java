package io.parley.admin.audit.service;

import java.util.List;

/** One page of the audit, newest change first. */
public record AuditPage(int page, int size, long total, List<AuditEntry> entries) {
}
