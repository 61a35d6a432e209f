package io.parley.signaling.call.machine;

/** The two parties of a call. */
public enum Side {
    CALLER, CALLEE;

    public Side other() {
        return this == CALLER ? CALLEE : CALLER;
    }
}
