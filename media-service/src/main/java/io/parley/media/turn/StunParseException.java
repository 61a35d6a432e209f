package io.parley.media.turn;

/** Signals bytes that are not a well-formed STUN message, which the server answers with 400 or silently drops. */
public class StunParseException extends Exception {
    private static final long serialVersionUID = 1L;

    public StunParseException(String message) {
        super(message);
    }
}
