package io.parley.media.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** One STUN attribute as a type and its unpadded value bytes, with factories and readers for the types TURN uses. */
public record StunAttribute(int type, byte[] value) {

    public StunAttribute {
        if (type < 0 || type > 0xFFFF || value == null || value.length > 0xFFFF) {
            throw new IllegalArgumentException("bad attribute");
        }
    }

    public static StunAttribute string(int type, String s) {
        return new StunAttribute(type, s.getBytes(StandardCharsets.UTF_8));
    }

    public static StunAttribute u32(int type, long v) {
        return new StunAttribute(type, new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    public static StunAttribute requestedTransport(int protocol) {
        return new StunAttribute(Stun.ATTR_REQUESTED_TRANSPORT, new byte[] {(byte) protocol, 0, 0, 0});
    }

    public static StunAttribute channelNumber(int channel) {
        return new StunAttribute(Stun.ATTR_CHANNEL_NUMBER, new byte[] {(byte) (channel >>> 8), (byte) channel, 0, 0});
    }

    public static StunAttribute errorCode(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] v = new byte[4 + r.length];
        v[2] = (byte) (code / 100);
        v[3] = (byte) (code % 100);
        System.arraycopy(r, 0, v, 4, r.length);
        return new StunAttribute(Stun.ATTR_ERROR_CODE, v);
    }

    /** Encodes an address XOR-ed with the magic cookie (and transaction id for IPv6) so NATs cannot rewrite it. */
    public static StunAttribute xorAddress(int type, InetSocketAddress address, byte[] transactionId) {
        byte[] ip = address.getAddress().getAddress();
        byte[] v = new byte[4 + ip.length];
        v[1] = (byte) (ip.length == 4 ? 1 : 2);
        int port = address.getPort() ^ (Stun.MAGIC_COOKIE >>> 16);
        v[2] = (byte) (port >>> 8);
        v[3] = (byte) port;
        byte[] mask = xorMask(transactionId);
        for (int i = 0; i < ip.length; i++) {
            v[4 + i] = (byte) (ip[i] ^ mask[i]);
        }
        return new StunAttribute(type, v);
    }

    /** Decodes an XOR-*-ADDRESS value; returns null when the value is malformed. */
    public InetSocketAddress asXorAddress(byte[] transactionId) {
        int family = value.length >= 4 ? value[1] & 0xFF : 0;
        int ipLen = family == 1 ? 4 : family == 2 ? 16 : -1;
        if (ipLen < 0 || value.length != 4 + ipLen) {
            return null;
        }
        int port = (((value[2] & 0xFF) << 8) | (value[3] & 0xFF)) ^ (Stun.MAGIC_COOKIE >>> 16);
        byte[] mask = xorMask(transactionId);
        byte[] ip = new byte[ipLen];
        for (int i = 0; i < ipLen; i++) {
            ip[i] = (byte) (value[4 + i] ^ mask[i]);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] xorMask(byte[] transactionId) {
        byte[] mask = new byte[16];
        mask[0] = (byte) (Stun.MAGIC_COOKIE >>> 24);
        mask[1] = (byte) (Stun.MAGIC_COOKIE >>> 16);
        mask[2] = (byte) (Stun.MAGIC_COOKIE >>> 8);
        mask[3] = (byte) Stun.MAGIC_COOKIE;
        System.arraycopy(transactionId, 0, mask, 4, 12);
        return mask;
    }

    public long asU32() {
        if (value.length != 4) {
            return -1;
        }
        return ((value[0] & 0xFFL) << 24) | ((value[1] & 0xFF) << 16) | ((value[2] & 0xFF) << 8) | (value[3] & 0xFF);
    }

    public String asString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** Returns the numeric code of an ERROR-CODE attribute. */
    public int asErrorCode() {
        return value.length < 4 ? -1 : (value[2] & 0x07) * 100 + (value[3] & 0xFF);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StunAttribute a && a.type == type && Arrays.equals(a.value, value);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return String.format("0x%04X(%d bytes)", type, value.length);
    }
}
