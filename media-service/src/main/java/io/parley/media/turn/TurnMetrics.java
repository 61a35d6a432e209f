package io.parley.media.turn;

/** Metrics hooks the server calls from its event loop; implementations must be cheap and non-blocking. */
public interface TurnMetrics {

    enum Direction { CLIENT_TO_PEER, PEER_TO_CLIENT }

    /** Why a request or packet was refused; requests map to the RFC error code named in each constant's comment. */
    enum Refusal {
        /** 400. */ BAD_REQUEST,
        /** 420. */ UNKNOWN_ATTRIBUTE,
        /** 437. */ ALLOCATION_MISMATCH,
        /** 441. */ WRONG_CREDENTIALS,
        /** 442. */ UNSUPPORTED_TRANSPORT,
        /** 440 / 443. */ ADDRESS_FAMILY,
        /** 403. */ FORBIDDEN_PEER,
        /** 486. */ QUOTA,
        /** 508. */ CAPACITY,
        /** Request dropped by the per-source rate limit. */ RATE_LIMITED,
        /** Relayed packet dropped by the per-allocation bandwidth limit. */ BANDWIDTH,
        /** Relayed packet dropped because no permission or channel covered it. */ NO_PERMISSION
    }

    /** Gauge: the number of allocations currently alive. */
    void activeAllocations(int count);

    /** One packet of {@code bytes} payload relayed in the given direction. */
    void relayed(Direction direction, int bytes);

    /** A request carried credentials that failed verification (wrong key, expired or malformed username, realm). */
    void authFailure();

    void refused(Refusal reason);

    TurnMetrics NOOP = new TurnMetrics() {
        @Override
        public void activeAllocations(int count) {
        }

        @Override
        public void relayed(Direction direction, int bytes) {
        }

        @Override
        public void authFailure() {
        }

        @Override
        public void refused(Refusal reason) {
        }
    };
}
