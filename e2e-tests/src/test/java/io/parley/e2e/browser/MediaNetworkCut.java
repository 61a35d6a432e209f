package io.parley.e2e.browser;

import io.parley.e2e.SharedStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cuts the network WebRTC media uses in the tests' namespace (tools/netns-run): every packet to the veth pair's
 * 10.77.0.0/24 is silently lost, while loopback (the browsers' pages and signaling, the stack's own traffic) keeps
 * working. {@link #close} restores it; a test JVM that dies with the network cut takes its namespace with it.
 *
 * <p>Why routing rules and not {@code ip link set … down}: in one namespace, traffic between its own addresses goes
 * through loopback whatever the link state (the kernel's {@code local} table), so a downed veth cuts nothing. Here
 * the {@code local} table is consulted after a rule that sends 10.77.0.0/24 to a table of its own, whose only route
 * is the namespace's gateway to nowhere (10.77.0.254, which nobody answers ARP for): sending still succeeds, nothing
 * arrives, as on a network that went dead. Needs only iproute2 and the test JVM's {@code CAP_NET_ADMIN} in its
 * namespace (root there, also under {@code unshare -rn}).
 */
final class MediaNetworkCut implements AutoCloseable {

    private static final String PREFIX =
            SharedStack.HOST_ADDRESS.substring(0, SharedStack.HOST_ADDRESS.lastIndexOf('.'));
    private static final String NETWORK = PREFIX + ".0/24";
    private static final String TABLE = "77";
    private static final String CUT_PREF = "10";
    private static final String LOCAL_PREF = "100";

    private boolean cut;

    private MediaNetworkCut() {
    }

    /** Cuts the media network now. */
    static MediaNetworkCut start() {
        MediaNetworkCut network = new MediaNetworkCut();
        network.cut();
        return network;
    }

    private void cut() {
        ip("route", "replace", "default", "via", PREFIX + ".254", "dev", "parley0", "onlink", "table", TABLE);
        // The local table moves behind the cut first, so that loopback is never without it.
        ip("rule", "add", "pref", LOCAL_PREF, "lookup", "local");
        ip("rule", "del", "pref", "0", "lookup", "local");
        ip("rule", "add", "pref", CUT_PREF, "to", NETWORK, "lookup", TABLE);
        cut = true;
    }

    /** Restores the network as tools/netns-run made it (at most once; {@link #close} calls it too). */
    void restore() {
        if (!cut) {
            return;
        }
        cut = false;
        ip("rule", "add", "pref", "0", "lookup", "local");
        ip("rule", "del", "pref", LOCAL_PREF, "lookup", "local");
        ip("rule", "del", "pref", CUT_PREF);
        ip("route", "flush", "table", TABLE);
    }

    @Override
    public void close() {
        restore();
    }

    /** The namespace's routing rules, for failure messages. */
    static String rules() {
        return ip("rule", "show");
    }

    private static String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run ip (Debian: apt-get install -y iproute2)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
