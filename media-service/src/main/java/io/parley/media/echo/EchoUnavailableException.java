package io.parley.media.echo;

/** No server peer can answer right now (its worker process did not start or exited); the caller may retry. */
public class EchoUnavailableException extends RuntimeException {
    public EchoUnavailableException(String message) {
        super(message);
    }

    public EchoUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
