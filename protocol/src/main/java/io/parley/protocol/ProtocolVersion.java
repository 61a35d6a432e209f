package io.parley.protocol;

/**
 * The protocol's major version, sent as {@code protocolVersion} in every socket's {@code welcome}. It changes
 * only when a client written for the previous version would misunderstand the server; a client must refuse a
 * server whose major version it does not speak (docs/protocol.md, "Versions").
 */
public final class ProtocolVersion {

    public static final int CURRENT = 2;

    private ProtocolVersion() {
    }
}
