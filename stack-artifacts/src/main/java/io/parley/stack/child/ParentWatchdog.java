package io.parley.stack.child;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point for child JVMs of the local stack and the tests: runs the real main class and exits when
 * the parent process dies.
 *
 * <p>The parent keeps this JVM's standard input open as a pipe; the operating system closes it when the
 * parent ends for any reason, including {@code kill -9}, so reading end-of-file means "nobody is left to
 * stop us". {@code System.exit} runs the child's shutdown hooks, so Kafka and Quarkus still shut down
 * cleanly. Usage: {@code java -cp ... io.parley.stack.child.ParentWatchdog <main-class> [args...]}.
 */
public final class ParentWatchdog {

    private ParentWatchdog() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("usage: ParentWatchdog <main-class> [args...]");
            System.exit(2);
        }
        Thread watchdog = new Thread(ParentWatchdog::exitWhenParentGone, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    private static void exitWhenParentGone() {
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // The parent never writes; anything read is ignored.
            }
        } catch (IOException e) {
            // A broken pipe means the same thing as end-of-file.
        }
        System.err.println("[parent-watchdog] parent process is gone, shutting down");
        System.exit(0);
    }
}
