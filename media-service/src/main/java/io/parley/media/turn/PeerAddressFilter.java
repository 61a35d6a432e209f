package io.parley.media.turn;

import java.net.InetAddress;
import java.util.List;

/** Decides which peer addresses a client may relay to, denying internal ranges (SSRF protection) unless allow-listed. */
public final class PeerAddressFilter {

    private static final List<Cidr> DENIED = List.of(
            Cidr.parse("0.0.0.0/8"),
            Cidr.parse("10.0.0.0/8"),
            Cidr.parse("127.0.0.0/8"),
            Cidr.parse("169.254.0.0/16"),
            Cidr.parse("172.16.0.0/12"),
            Cidr.parse("192.168.0.0/16"),
            Cidr.parse("224.0.0.0/4"),
            Cidr.parse("240.0.0.0/4"),
            Cidr.parse("::/128"),
            Cidr.parse("::1/128"),
            Cidr.parse("fe80::/10"),
            Cidr.parse("fc00::/7"),
            Cidr.parse("ff00::/8"));

    // Cloud metadata endpoints get extra protection: only an allow-list entry naming exactly them unlocks them,
    // so allowing a broad range such as 169.254.0.0/16 does not silently expose credentials.
    private static final List<Cidr> METADATA = List.of(Cidr.parse("169.254.169.254/32"), Cidr.parse("fd00:ec2::254/128"));

    private final List<Cidr> allowed;

    public PeerAddressFilter(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    public boolean isAllowed(InetAddress address) {
        final byte[] raw = normalize(address.getAddress());
        for (Cidr m : METADATA) {
            if (m.contains(raw)) {
                return allowed.stream().anyMatch(c -> c.prefixLength() == raw.length * 8 && c.contains(raw));
            }
        }
        for (Cidr c : allowed) {
            if (c.contains(raw)) {
                return true;
            }
        }
        for (Cidr c : DENIED) {
            if (c.contains(raw)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] normalize(byte[] raw) {
        if (raw.length == 16 && isV4Mapped(raw)) {
            // An IPv4-mapped IPv6 peer reaches the same host as its IPv4 form, so judge it as IPv4.
            byte[] v4 = new byte[4];
            System.arraycopy(raw, 12, v4, 0, 4);
            return v4;
        }
        return raw;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }
}
