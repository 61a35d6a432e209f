package io.parley.outbox;

/**
 * Holds a topic's events in the outbox until the service says the topic may be written, for example until a
 * compacted topic was created with its retention policy. A service declares it as a bean; every gate must allow
 * a topic. Held rows are not failures: they wait, in order, and the next sweep looks again.
 */
public interface OutboxGate {

    /** Whether events of {@code topic} may be sent now. */
    boolean allows(String topic);

    /** Whether events of every topic may be sent now (a round then need not look up which topics wait). */
    default boolean allowsAll() {
        return false;
    }
}
