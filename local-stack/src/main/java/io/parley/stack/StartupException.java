package io.parley.stack;

import java.nio.file.Path;

/** A component of the stack did not start; names the component and the log a person should read. */
public final class StartupException extends RuntimeException {

    private final String component;
    private final Path log;

    public StartupException(String component, String message, Path log) {
        super(component + ": " + message + (log == null ? "" : " (see " + log + ")"));
        this.component = component;
        this.log = log;
    }

    public String component() {
        return component;
    }

    public Path log() {
        return log;
    }
}
