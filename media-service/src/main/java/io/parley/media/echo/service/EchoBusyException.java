package io.parley.media.echo.service;

import io.parley.protocol.ApiException;
import io.parley.protocol.ErrorCode;

/** Every echo test slot is in use: 503 {@code ECHO_BUSY}, with a {@code Retry-After} when a slot should free up. */
public class EchoBusyException extends ApiException {

    private final long retryAfterSeconds;

    public EchoBusyException(long retryAfterSeconds) {
        super(ErrorCode.ECHO_BUSY, "All echo test slots are in use; try again in a minute");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
