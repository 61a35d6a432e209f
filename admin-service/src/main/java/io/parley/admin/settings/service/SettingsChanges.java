package io.parley.admin.settings.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.admin.audit.service.AuditLog;
import io.parley.admin.provider.service.ProviderRegistry;
import io.parley.admin.provider.service.ProviderView;
import io.parley.admin.settings.repository.SettingsRevisionRecord;
import io.parley.common.identity.Caller;
import io.parley.event.Topics;
import io.parley.event.settings.ProviderState;
import io.parley.event.settings.SettingsChanged;
import io.parley.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * How every settings change is made: in one transaction that first locks the settings revision (so changes run
 * one at a time and a version check cannot race), applies the change, bumps the revision, writes the audit entry
 * and the {@link SettingsChanged} event to the outbox; after the commit the event is published and counted.
 * A failure anywhere (a stale version, a refused value) rolls everything back: nothing partial is stored.
 */
@ApplicationScoped
public class SettingsChanges {

    /** Resource kind of a call provider's enabled flag (metric tag). */
    public static final String PROVIDER = "provider";
    /** Resource kind of the WebRTC settings (metric tag). */
    public static final String WEBRTC_SETTINGS = "webrtc-settings";

    /** What a change did: the resource before and after as the audit shows them, and the result for the caller. */
    public record Applied<T>(Object before, Object after, T result) {
    }

    private final AuditLog audit;
    private final ProviderRegistry providers;
    private final Outbox outbox;
    private final Map<String, Counter> changesByKind;

    public SettingsChanges(AuditLog audit, ProviderRegistry providers, Outbox outbox, MeterRegistry metrics) {
        this.audit = audit;
        this.providers = providers;
        this.outbox = outbox;
        this.changesByKind = Map.of(PROVIDER, changes(metrics, PROVIDER), WEBRTC_SETTINGS, changes(metrics, WEBRTC_SETTINGS));
    }

    private static Counter changes(MeterRegistry metrics, String kind) {
        return Counter.builder("parley.admin.settings.changes").description("settings changes committed by administrators")
                .tag("resource", kind).register(metrics);
    }

    /**
     * Runs {@code change} in a transaction with the revision locked; {@code kind} ({@link #PROVIDER},
     * {@link #WEBRTC_SETTINGS}) names the resource type in the metric and {@code resource} the resource in the audit.
     */
    public <T> Uni<T> apply(Caller who, String kind, String resource,
            Function<SettingsRevisionRecord, Uni<Applied<T>>> change) {
        Counter counter = changesByKind.get(kind);
        if (counter == null) {
            throw new IllegalArgumentException("unknown settings kind " + kind);
        }
        return Panache.withTransaction(() -> SettingsRevisionRecord.lockForChange()
                .chain(revision -> change.apply(revision).chain(applied -> {
                    Instant now = Instant.now();
                    revision.version++;
                    revision.changedBy = who.userId();
                    revision.changedAt = now;
                    return audit.record(who, resource, applied.before(), applied.after(), now)
                            // The event lists every provider as stored, this change included.
                            .chain(() -> Panache.flush())
                            .chain(() -> providers.current())
                            .chain(current -> add(event(revision, current, now)))
                            .map(event -> applied.result());
                })))
                .map(result -> {
                    outbox.publish();
                    counter.increment();
                    return result;
                });
    }

    /** Writes the current settings to the outbox once more and publishes them (a fresh Kafka learns them). */
    public Uni<SettingsChanged> announceCurrent() {
        return Panache.withTransaction(() -> SettingsRevisionRecord.lockForChange()
                .chain(revision -> providers.current()
                        .chain(current -> add(event(revision, current, Instant.now())))))
                .invoke(outbox::publish);
    }

    /** The event, in the outbox within the change's transaction, after the revision lock: versions go out in order. */
    private Uni<SettingsChanged> add(SettingsChanged event) {
        return outbox.addJson(Topics.SETTINGS, SettingsChanged.KEY, event.eventId(), event).replaceWith(event);
    }

    private static SettingsChanged event(SettingsRevisionRecord revision, List<ProviderView> providers, Instant at) {
        return new SettingsChanged(UUID.randomUUID().toString(), at, revision.version,
                providers.stream().map(p -> new ProviderState(p.id(), p.name(), p.enabled())).toList(),
                revision.changedBy);
    }
}
