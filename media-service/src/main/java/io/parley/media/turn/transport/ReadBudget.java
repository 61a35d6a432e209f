package io.parley.media.turn.transport;

/**
 * How many datagrams to read from one socket in one wake-up of the loop.
 *
 * <p>Epoll here is level-triggered, so reading a single datagram per wakeup is safe. At low rates that saves the
 * extra receive that would only return EAGAIN; every 8th wakeup probes with a full batch, and a batch that found two
 * or more datagrams keeps batching while the backlog lasts. The batch is bounded so that one busy socket cannot
 * starve the others.
 */
final class ReadBudget {
    static final int BATCH = 64;

    private boolean backlog;
    private int wakeups;

    /** The number of receives to try in this wake-up. */
    int next() {
        int budget = backlog || (++wakeups & 7) == 0 ? BATCH : 1;
        backlog = false;
        return budget;
    }

    /** Called with the index (from 0) of each receive in this wake-up that returned a datagram. */
    void received(int index) {
        backlog = index > 0;
    }
}
