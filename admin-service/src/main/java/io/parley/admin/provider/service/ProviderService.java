package io.parley.admin.provider.service;

import io.parley.admin.error.AdminErrors;
import io.parley.admin.provider.repository.ProviderStateRecord;
import io.parley.admin.provider.spi.CallProvider;
import io.parley.admin.settings.service.SettingsChanges;
import io.parley.admin.settings.service.SettingsChanges.Applied;
import io.parley.common.identity.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Lists call providers and enables or disables one, with a version check, audit and event. */
@ApplicationScoped
public class ProviderService {

    private final ProviderRegistry registry;
    private final SettingsChanges changes;

    public ProviderService(ProviderRegistry registry, SettingsChanges changes) {
        this.registry = registry;
        this.changes = changes;
    }

    public Uni<List<ProviderView>> list() {
        return Panache.withSession(registry::current);
    }

    /** The enabled providers, for clients. Runs in the caller's session. */
    public Uni<List<ProviderView>> enabled() {
        return registry.current().map(all -> all.stream().filter(ProviderView::enabled).toList());
    }

    public Uni<ProviderView> update(Caller who, String id, ProviderUpdate update) {
        CallProvider provider = registry.find(id).orElseThrow(() -> AdminErrors.notFound("no call provider '" + id + "'"));
        if (update == null) {
            throw AdminErrors.invalidPayload("body: required, e.g. {\"enabled\": true, \"version\": 3}");
        }
        if (update.enabled() == null) {
            throw AdminErrors.invalidPayload("enabled: required (true or false)");
        }
        if (update.version() == null) {
            throw AdminErrors.invalidPayload("version: required, the version you read");
        }
        return changes.apply(who, SettingsChanges.PROVIDER, "providers/" + id, revision ->
                ProviderStateRecord.<ProviderStateRecord>findById(id).chain(stored -> {
                    ProviderView before = ProviderRegistry.view(provider, stored);
                    if (update.version() != before.version()) {
                        return Uni.createFrom().failure(
                                AdminErrors.conflict("providers/" + id, update.version(), before.version()));
                    }
                    ProviderStateRecord state = stored == null ? new ProviderStateRecord() : stored;
                    state.id = id;
                    state.enabled = update.enabled();
                    state.version = before.version() + 1;
                    state.updatedAt = Instant.now();
                    ProviderView after = ProviderRegistry.view(provider, state);
                    Uni<ProviderStateRecord> saved = stored == null ? state.persist() : Uni.createFrom().item(state);
                    return saved.map(ignored -> new Applied<>(before, after, after));
                }));
    }
}
