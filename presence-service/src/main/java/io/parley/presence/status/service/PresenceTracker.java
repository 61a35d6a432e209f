package io.parley.presence.status.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.event.presence.PresenceChanged;
import io.parley.event.presence.PresenceStatus;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Every user's live presence, from their presence sockets, idle reports and manual choice. It is the
 * single place that decides a user's effective status:
 * <ul>
 * <li>OFFLINE when no socket is open and the offline grace period has passed;</li>
 * <li>else DND when the user chose DND;</li>
 * <li>else AWAY when the user chose AWAY or every open page reported {@code idle};</li>
 * <li>else AVAILABLE.</li>
 * </ul>
 * Each change of the effective status or of the manual choice fires one {@link PresenceUpdate},
 * synchronously and under the user's lock, so observers see a user's changes in order.
 */
@ApplicationScoped
public class PresenceTracker {

    private final Map<String, UserPresence> users = new ConcurrentHashMap<>();
    private final AtomicInteger sockets = new AtomicInteger();
    private final Map<PresenceStatus, Counter> statusChanges = new EnumMap<>(PresenceStatus.class);
    private final Duration grace;
    private final Vertx vertx;
    private final Event<PresenceUpdate> updates;

    public PresenceTracker(PresenceConfig config, Vertx vertx, Event<PresenceUpdate> updates, MeterRegistry registry) {
        this.grace = config.offlineGrace();
        this.vertx = vertx;
        this.updates = updates;
        Gauge.builder("parley.presence.sockets", sockets, AtomicInteger::get)
                .description("Open /ws/presence sockets").register(registry);
        for (PresenceStatus status : PresenceStatus.values()) {
            statusChanges.put(status, Counter.builder("parley.presence.status.changes").tag("status", status.name())
                    .description("Effective status changes, by the status entered").register(registry));
        }
    }

    /** A presence socket of the user opened. */
    public Presence connected(String userId, String connectionId) {
        sockets.incrementAndGet();
        return change(userId, user -> {
            cancelGrace(user);
            user.connections.add(connectionId);
            return user.view();
        });
    }

    /** A presence socket of the user closed; the last one starts the offline grace period. */
    public void disconnected(String userId, String connectionId) {
        change(userId, user -> {
            if (!user.connections.contains(connectionId)) {
                return user.view();
            }
            sockets.decrementAndGet();
            boolean wasIdle = user.isIdle();
            user.connections.remove(connectionId);
            user.idleConnections.remove(connectionId);
            if (user.connections.isEmpty() && !grace.isZero()) {
                user.lingering = true;
                user.lingeringIdle = wasIdle;
                long timer = vertx.setTimer(grace.toMillis(), id -> graceEnded(userId, id));
                user.graceTimer = timer;
            }
            return user.view();
        });
    }

    /** The page behind a socket reported {@code idle} (true) or {@code active} (false). */
    public Presence activity(String userId, String connectionId, boolean idle) {
        return change(userId, user -> {
            if (user.connections.contains(connectionId)) {
                if (idle) {
                    user.idleConnections.add(connectionId);
                } else {
                    user.idleConnections.remove(connectionId);
                }
            }
            return user.view();
        });
    }

    /**
     * The user's own choice, kept across reconnects and restarts.
     *
     * @param manual AVAILABLE, AWAY, DND, or null to clear the choice
     */
    public Presence choose(String userId, PresenceStatus manual) {
        if (manual != null && !ManualStatus.CHOICES.contains(manual)) {
            throw new IllegalArgumentException("not a manual status: " + manual);
        }
        return change(userId, user -> {
            user.manual = manual;
            user.manualChosenHere = true;
            return user.view();
        });
    }

    /** The user's presence now (OFFLINE with no choice for a user never seen). */
    public Presence current(String userId) {
        UserPresence user = users.get(userId);
        if (user == null) {
            return new Presence(userId, PresenceStatus.OFFLINE, null);
        }
        synchronized (user) {
            return user.view();
        }
    }

    public PresenceStatus statusOf(String userId) {
        return current(userId).status();
    }

    /** Effective statuses of the given users, in the order given. */
    public Map<String, PresenceStatus> statusesOf(Collection<String> userIds) {
        Map<String, PresenceStatus> statuses = new LinkedHashMap<>();
        for (String userId : userIds) {
            statuses.put(userId, statusOf(userId));
        }
        return statuses;
    }

    /** Open presence sockets on this instance. */
    public int connectedSockets() {
        return sockets.get();
    }

    /**
     * Takes back what the compacted presence topic says about each user after a restart. Manual choices
     * come back as they were (unless the user chose again meanwhile). A user the topic shows online
     * but who has no socket here gets the usual grace period, then goes OFFLINE: their pages reconnect
     * within it after a restart, and a user whose pages are gone is not left online forever.
     *
     * @param latest the latest record of each user
     */
    public void restore(Collection<PresenceChanged> latest) {
        for (PresenceChanged record : latest) {
            if (record.userId() == null || record.status() == null) {
                continue;
            }
            PresenceStatus manual = ManualStatus.CHOICES.contains(record.manualStatus()) ? record.manualStatus() : null;
            change(record.userId(), user -> {
                boolean untouched = user.connections.isEmpty() && !user.lingering
                        && user.announcedStatus == PresenceStatus.OFFLINE && user.announcedManual == null;
                if (!user.manualChosenHere) {
                    user.manual = manual;
                }
                if (untouched) {
                    user.announcedStatus = record.status();
                    user.announcedManual = manual;
                    if (record.status() != PresenceStatus.OFFLINE) {
                        user.lingering = true;
                        user.lingeringIdle = record.status() == PresenceStatus.AWAY && manual != PresenceStatus.AWAY;
                        long timer = vertx.setTimer(Math.max(1, grace.toMillis()), id -> graceEnded(user.userId, id));
                        user.graceTimer = timer;
                    }
                }
                return user.view();
            });
        }
    }

    private void graceEnded(String userId, long timer) {
        change(userId, user -> {
            if (user.graceTimer == timer) {
                user.graceTimer = -1;
                user.lingering = false;
            }
            return user.view();
        });
    }

    private void cancelGrace(UserPresence user) {
        if (user.graceTimer >= 0) {
            vertx.cancelTimer(user.graceTimer);
            user.graceTimer = -1;
        }
        user.lingering = false;
    }

    /** Applies {@code mutation} under the user's lock, then announces what changed. */
    private Presence change(String userId, Function<UserPresence, Presence> mutation) {
        while (true) {
            UserPresence user = users.computeIfAbsent(userId, UserPresence::new);
            synchronized (user) {
                if (user.removed) {
                    continue;
                }
                mutation.apply(user);
                announce(user);
                if (user.forgettable()) {
                    user.removed = true;
                    users.remove(userId, user);
                }
                return user.view();
            }
        }
    }

    private void announce(UserPresence user) {
        PresenceStatus status = user.effective();
        if (status == user.announcedStatus && user.manual == user.announcedManual) {
            return;
        }
        PresenceStatus previous = user.announcedStatus;
        user.announcedStatus = status;
        user.announcedManual = user.manual;
        if (status != previous) {
            statusChanges.get(status).increment();
        }
        PresenceUpdate update = new PresenceUpdate(new Presence(user.userId, status, user.manual), previous,
                Instant.now());
        try {
            updates.fire(update);
        } catch (RuntimeException e) {
            Log.errorf(e, "presence: spreading %s failed", update);
        }
    }
}
