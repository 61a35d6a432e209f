package io.parley.media.echo.service;

import io.parley.common.error.ApiException;

/** Every echo test slot is in use: 503 {@code ECHO_BUSY}, with a {@code Retry-After} when a slot should free up. */
public class EchoBusyException extends ApiException {

    public static final String CODE = "ECHO_BUSY";

    private final long retryAfterSeconds;

    public EchoBusyException(long retryAfterSeconds) {
        super(503, CODE, "All echo test slots are in use; try again in a minute");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
