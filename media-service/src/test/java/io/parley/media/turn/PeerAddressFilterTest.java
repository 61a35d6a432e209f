package io.parley.media.turn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Built-in deny ranges, allow-list overrides and the stricter rule for metadata addresses. */
class PeerAddressFilterTest {

    private static boolean allowed(PeerAddressFilter f, String ip) throws Exception {
        return f.isAllowed(InetAddress.getByName(ip));
    }

    @Test
    void deniesInternalRangesByDefault() throws Exception {
        PeerAddressFilter f = new PeerAddressFilter(List.of());
        for (String ip : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                "169.254.169.254", "169.254.1.1", "0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.250",
                "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1",
                "::ffff:10.0.0.1")) {
            assertFalse(allowed(f, ip), ip);
        }
        for (String ip : List.of("8.8.8.8", "172.32.0.1", "192.0.2.10", "2001:db8::1", "::ffff:8.8.8.8")) {
            assertTrue(allowed(f, ip), ip);
        }
    }

    @Test
    void allowListOverridesButMetadataNeedsExactEntry() throws Exception {
        PeerAddressFilter f = new PeerAddressFilter(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("169.254.0.0/16")));
        assertTrue(allowed(f, "127.0.0.1"));
        assertTrue(allowed(f, "169.254.1.1"));
        assertFalse(allowed(f, "169.254.169.254"));
        assertFalse(allowed(f, "10.0.0.1"));
        PeerAddressFilter g = new PeerAddressFilter(List.of(Cidr.parse("169.254.169.254/32")));
        assertTrue(allowed(g, "169.254.169.254"));
    }
}
