package io.parley.media.echo;

/** The caller's SDP offer cannot be answered: malformed, or nothing in it the echo peer can take. */
public class InvalidOfferException extends RuntimeException {

    public InvalidOfferException(String message) {
        super(message);
    }
}
