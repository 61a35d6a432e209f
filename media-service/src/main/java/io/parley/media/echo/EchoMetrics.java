package io.parley.media.echo;

/** What the echo test call reports for monitoring; implemented with Micrometer by the service. */
public interface EchoMetrics {

    /** Why a call was refused before it started. */
    enum Refusal {
        /** Every slot was in use. */
        BUSY,
        /** Echo is disabled or the native WebRTC library did not load. */
        UNAVAILABLE
    }

    /** Calls holding a server peer right now (connecting, connected or being closed). */
    void activeSessions(int count);

    void sessionStarted();

    void sessionEnded(EndReason reason);

    void refused(Refusal reason);

    /** One video frame of a caller sent back to them. */
    void frameEchoed();

    /** An echo worker process reported ready. */
    default void workerStarted() {
    }

    /** An echo worker process exited without being asked to (crashed, was killed, or failed to start). */
    default void workerFailed() {
    }

    /** Does nothing: for peers used outside the service. */
    EchoMetrics NONE = new EchoMetrics() {
        @Override
        public void activeSessions(int count) {
        }

        @Override
        public void sessionStarted() {
        }

        @Override
        public void sessionEnded(EndReason reason) {
        }

        @Override
        public void refused(Refusal reason) {
        }

        @Override
        public void frameEchoed() {
        }
    };
}
