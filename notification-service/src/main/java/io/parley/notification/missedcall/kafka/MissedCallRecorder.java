package io.parley.notification.missedcall.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.event.call.CallEvent;
import io.parley.event.call.CallEventType;
import io.parley.notification.missedcall.service.MissedCall;
import io.parley.notification.missedcall.service.MissedCallService;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import jakarta.enterprise.context.ApplicationScoped;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Stores the missed calls announced on {@code parley.call-events}, once across all instances (a shared
 * consumer group). A record is acknowledged, and so its offset becomes committable, only when the Uni
 * returned here completes: after the missed call is stored. Keeps the metric
 * {@code parley.notification.missed-calls.store-failures}.
 * Created at start rather than on first use, so that its metrics are exported from the start.
 */
@Startup
@ApplicationScoped
public class MissedCallRecorder {

    /** The channel of the shared consumer group {@code notification-missed-calls}. */
    public static final String CHANNEL = "missed-calls";

    static final Duration FIRST_RETRY = Duration.ofMillis(200);
    static final Duration LONGEST_RETRY = Duration.ofSeconds(30);

    private final MissedCallService missedCalls;
    private final Counter storeFailures;

    public MissedCallRecorder(MissedCallService missedCalls, MeterRegistry registry) {
        this.missedCalls = missedCalls;
        this.storeFailures = Counter.builder("parley.notification.missed.calls.store.failures")
                .description("Attempts to store a missed call that failed and will be retried")
                .register(registry);
    }

    @Incoming(CHANNEL)
    public Uni<Void> onCallEvent(ConsumerRecord<String, CallEvent> record) {
        CallEvent event = record.value();
        if (event == null) {
            // Logged here rather than by every instance's push consumer: this group reads each record once.
            Header reason = record.headers().lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_REASON);
            Log.warnf("unreadable record at %s-%d@%d skipped: %s", record.topic(), record.partition(), record.offset(),
                    reason == null ? "no value" : new String(reason.value(), StandardCharsets.UTF_8));
            return Uni.createFrom().voidItem();
        }
        if (event.type() != CallEventType.ENDED || !MissedCall.isMissedCall(event)) {
            return Uni.createFrom().voidItem();
        }
        if (!complete(event)) {
            // Retrying cannot fix a record that lacks what a missed call needs; it must not block the partition.
            Log.warnf("missed-call event %s lacks a required field and is skipped: %s", event.eventId(), event);
            return Uni.createFrom().voidItem();
        }
        // Until the database takes it, the record stays unacknowledged and later records of its partition wait:
        // retried rather than skipped, so that no missed call is lost while PostgreSQL is away. Every attempt
        // calls the service anew (a fresh transaction) on this record's Vert.x context, where Hibernate Reactive
        // must run, rather than on the scheduler thread that ends the back-off.
        Context context = Vertx.currentContext();
        Uni<Boolean> attempt = Uni.createFrom().deferred(() -> missedCalls.record(event));
        if (context != null) {
            attempt = attempt.runSubscriptionOn(task -> context.runOnContext(ignored -> task.run()));
        }
        return attempt
                .onFailure().invoke(failure -> {
                    storeFailures.increment();
                    Log.warnf("storing the missed call of event %s failed, retrying: %s", event.eventId(), failure);
                })
                .onFailure().retry().withBackOff(FIRST_RETRY, LONGEST_RETRY).indefinitely()
                .replaceWithVoid();
    }

    private static boolean complete(CallEvent event) {
        return event.eventId() != null && event.callId() != null && event.occurredAt() != null
                && event.callee() != null && event.callee().id() != null
                && event.caller() != null && event.caller().id() != null;
    }
}
