package io.parley.stack;

import java.nio.file.Path;

/** Where Parley keeps unpacked distributions, the same rule for ./parley and the tests. */
public final class StackPaths {

    private StackPaths() {
    }

    /** {@code $PARLEY_CACHE}, else {@code ~/.cache/parley}. */
    public static Path cacheDir() {
        String configured = System.getenv("PARLEY_CACHE");
        Path dir = configured == null || configured.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "parley")
                : Path.of(configured);
        return dir.toAbsolutePath();
    }
}
