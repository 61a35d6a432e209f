package io.parley.media.turn;

import java.time.Duration;
import java.util.List;

/**
 * Immutable TURN server settings; ports of 0 bind ephemerally and -1 disables that transport.
 *
 * <p>When both ports are 0, UDP and TCP share one ephemeral port number, so a single port can be advertised.
 *
 * @param bandwidthBytesPerSecond per-allocation relay budget in both directions combined, 0 = unlimited
 * @param requestsPerSecondPerSource STUN/TURN requests accepted per source IP per second, 0 = unlimited
 * @param userAllocationQuota concurrent allocations per REST user id, 0 = unlimited
 * @param maxAllocations concurrent allocations for the whole server, 0 = unlimited
 * @param externalAddress the address clients are told their relay has (XOR-RELAYED-ADDRESS) when the relay
 *     sits behind a 1:1 NAT (coturn's {@code external-ip}); null to advertise {@code relayAddress} itself
 * @param legacyChannelNumbers also accept channel numbers 0x5000-0x7FFF, the RFC 5766 range some clients
 *     (including coturn's turnutils_uclient) still pick from; RFC 8656 allows only 0x4000-0x4FFF
 */
public record TurnServerConfig(
        String listenAddress,
        int udpPort,
        int tcpPort,
        String realm,
        String sharedSecret,
        String relayAddress,
        int relayPortMin,
        int relayPortMax,
        Duration defaultAllocationLifetime,
        Duration maxAllocationLifetime,
        Duration permissionLifetime,
        Duration channelLifetime,
        Duration nonceLifetime,
        int userAllocationQuota,
        int maxAllocations,
        long bandwidthBytesPerSecond,
        int requestsPerSecondPerSource,
        List<String> allowedPeerCidrs,
        boolean legacyChannelNumbers,
        String externalAddress) {

    public TurnServerConfig {
        if (realm == null || realm.isEmpty() || sharedSecret == null || sharedSecret.isEmpty()) {
            throw new IllegalArgumentException("realm and sharedSecret are required");
        }
        if (relayPortMin < 1 || relayPortMax > 65535 || relayPortMin > relayPortMax) {
            throw new IllegalArgumentException("bad relay port range");
        }
        if (udpPort < -1 || tcpPort < -1 || (udpPort == -1 && tcpPort == -1)) {
            throw new IllegalArgumentException("bad listen ports");
        }
        if (maxAllocationLifetime.compareTo(defaultAllocationLifetime) < 0) {
            throw new IllegalArgumentException("max lifetime below default");
        }
        allowedPeerCidrs = List.copyOf(allowedPeerCidrs);
        allowedPeerCidrs.forEach(Cidr::parse);
    }

    public static Builder builder(String realm, String sharedSecret) {
        return new Builder(realm, sharedSecret);
    }

    /** Fluent construction with the RFC 8656 defaults, since the record has many components. */
    public static final class Builder {
        private String listenAddress = "0.0.0.0";
        private int udpPort = 3478;
        private int tcpPort = 3478;
        private final String realm;
        private final String sharedSecret;
        private String relayAddress = "0.0.0.0";
        private int relayPortMin = 49152;
        private int relayPortMax = 65535;
        private Duration defaultAllocationLifetime = Duration.ofSeconds(600);
        private Duration maxAllocationLifetime = Duration.ofSeconds(3600);
        private Duration permissionLifetime = Duration.ofSeconds(300);
        private Duration channelLifetime = Duration.ofSeconds(600);
        private Duration nonceLifetime = Duration.ofSeconds(600);
        private int userAllocationQuota = 10;
        private int maxAllocations = 0;
        private long bandwidthBytesPerSecond = 0;
        private int requestsPerSecondPerSource = 0;
        private List<String> allowedPeerCidrs = List.of();
        private boolean legacyChannelNumbers;
        private String externalAddress;

        private Builder(String realm, String sharedSecret) {
            this.realm = realm;
            this.sharedSecret = sharedSecret;
        }

        public Builder listenAddress(String v) { listenAddress = v; return this; }
        public Builder udpPort(int v) { udpPort = v; return this; }
        public Builder tcpPort(int v) { tcpPort = v; return this; }
        public Builder relayAddress(String v) { relayAddress = v; return this; }
        public Builder relayPortRange(int min, int max) { relayPortMin = min; relayPortMax = max; return this; }
        public Builder defaultAllocationLifetime(Duration v) { defaultAllocationLifetime = v; return this; }
        public Builder maxAllocationLifetime(Duration v) { maxAllocationLifetime = v; return this; }
        public Builder permissionLifetime(Duration v) { permissionLifetime = v; return this; }
        public Builder channelLifetime(Duration v) { channelLifetime = v; return this; }
        public Builder nonceLifetime(Duration v) { nonceLifetime = v; return this; }
        public Builder userAllocationQuota(int v) { userAllocationQuota = v; return this; }
        public Builder maxAllocations(int v) { maxAllocations = v; return this; }
        public Builder bandwidthBytesPerSecond(long v) { bandwidthBytesPerSecond = v; return this; }
        public Builder requestsPerSecondPerSource(int v) { requestsPerSecondPerSource = v; return this; }
        public Builder allowedPeerCidrs(List<String> v) { allowedPeerCidrs = v; return this; }
        public Builder legacyChannelNumbers(boolean v) { legacyChannelNumbers = v; return this; }
        public Builder externalAddress(String v) { externalAddress = v; return this; }

        public TurnServerConfig build() {
            return new TurnServerConfig(listenAddress, udpPort, tcpPort, realm, sharedSecret, relayAddress,
                    relayPortMin, relayPortMax, defaultAllocationLifetime, maxAllocationLifetime, permissionLifetime,
                    channelLifetime, nonceLifetime, userAllocationQuota, maxAllocations, bandwidthBytesPerSecond,
                    requestsPerSecondPerSource, allowedPeerCidrs, legacyChannelNumbers, externalAddress);
        }
    }
}
