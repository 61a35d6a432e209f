package io.parley.notification.missedcall.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.event.call.CallEvent;
import io.parley.notification.missedcall.repository.MissedCallEntity;
import io.parley.notification.missedcall.repository.MissedCallRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * Missed calls: stored once per ENDED event, listed and marked read by their callee only. Keeps the metrics
 * {@code parley.notification.missed-calls.stored} and {@code parley.notification.missed-calls.duplicates}.
 * Created at start rather than on first use, so that its metrics are exported from the start.
 */
@Startup
@ApplicationScoped
public class MissedCallService {

    private final MissedCallRepository repository;
    private final Counter stored;
    private final Counter duplicates;

    public MissedCallService(MissedCallRepository repository, MeterRegistry registry) {
        this.repository = repository;
        this.stored = Counter.builder("parley.notification.missed.calls.stored")
                .description("Missed calls stored (once per call, across instances)")
                .register(registry);
        this.duplicates = Counter.builder("parley.notification.missed.calls.duplicates")
                .description("Redelivered call events whose missed call was stored already")
                .register(registry);
    }

    /**
     * Stores the missed call an ENDED event makes for its callee; emits false, and changes nothing, when the
     * event was handled before (a redelivery after a crash or a rebalance).
     */
    @WithTransaction
    public Uni<Boolean> record(CallEvent ended) {
        MissedCall call = MissedCall.of(ended);
        return repository.insertIfNew(MissedCallEntity.of(call, ended.eventId(), ended.callee().id()))
                .invoke(inserted -> {
                    if (inserted) {
                        stored.increment();
                        Log.debugf("missed call %s stored for %s (event %s)", call.id(), ended.callee().id(),
                                ended.eventId());
                    } else {
                        duplicates.increment();
                        Log.debugf("event %s seen before; its missed call is stored already", ended.eventId());
                    }
                });
    }

    /** One page of {@code calleeId}'s missed calls, newest first. */
    @WithSession
    public Uni<MissedCallPage> list(String calleeId, boolean unreadOnly, int page, int size) {
        // One session runs one statement at a time: the page and the count run in turn, not together.
        return repository.page(calleeId, unreadOnly, page, size)
                .chain(rows -> repository.count(calleeId, unreadOnly)
                        .map(total -> new MissedCallPage(page, size, total,
                                rows.stream().map(MissedCallEntity::toMissedCall).toList())));
    }

    @WithSession
    public Uni<Long> unreadCount(String calleeId) {
        return repository.count(calleeId, true);
    }

    /** Marks one of {@code calleeId}'s missed calls read; empty when they have none with that id. */
    @WithTransaction
    public Uni<Optional<MissedCall>> markRead(String calleeId, UUID id) {
        return repository.findOwn(id, calleeId).map(entity -> {
            if (entity == null) {
                return Optional.empty();
            }
            entity.read = true;
            return Optional.of(entity.toMissedCall());
        });
    }

    /** Marks all of {@code calleeId}'s missed calls read; emits how many were unread. */
    @WithTransaction
    public Uni<Integer> markAllRead(String calleeId) {
        return repository.markAllRead(calleeId);
    }
}
