package io.parley.media.turn;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Encodes and decodes STUN messages, including MESSAGE-INTEGRITY (HMAC-SHA1) and FINGERPRINT (CRC-32). */
public final class StunCodec {
    private static final int MI_LENGTH = 20;

    // Mac instances are not thread-safe and costly to look up, so each thread keeps one.
    private static final ThreadLocal<Mac> HMAC_SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    private StunCodec() {
    }

    /** Encodes the message, appending MESSAGE-INTEGRITY when a key is given and FINGERPRINT when asked. */
    public static byte[] encode(StunMessage message, byte[] integrityKey, boolean fingerprint) {
        return encode(message, integrityKey, fingerprint, (byte) 0);
    }

    /** As {@link #encode(StunMessage, byte[], boolean)} with a chosen padding byte (RFC 8489 allows any value). */
    static byte[] encode(StunMessage message, byte[] integrityKey, boolean fingerprint, byte padByte) {
        int bodyLen = 0;
        for (StunAttribute a : message.attributes()) {
            bodyLen += 4 + pad4(a.value().length);
        }
        int total = Stun.HEADER_LENGTH + bodyLen + (integrityKey != null ? 4 + MI_LENGTH : 0) + (fingerprint ? 8 : 0);
        byte[] out = new byte[total];
        putShort(out, 0, message.type());
        putInt(out, 4, Stun.MAGIC_COOKIE);
        System.arraycopy(message.transactionId(), 0, out, 8, 12);
        int pos = Stun.HEADER_LENGTH;
        for (StunAttribute a : message.attributes()) {
            putShort(out, pos, a.type());
            putShort(out, pos + 2, a.value().length);
            System.arraycopy(a.value(), 0, out, pos + 4, a.value().length);
            for (int i = pos + 4 + a.value().length; i < pos + 4 + pad4(a.value().length); i++) {
                out[i] = padByte;
            }
            pos += 4 + pad4(a.value().length);
        }
        if (integrityKey != null) {
            // The length field must count the MESSAGE-INTEGRITY attribute but not a following FINGERPRINT.
            putShort(out, 2, pos + 4 + MI_LENGTH - Stun.HEADER_LENGTH);
            byte[] mac = hmacSha1(integrityKey, out, 0, pos);
            putShort(out, pos, Stun.ATTR_MESSAGE_INTEGRITY);
            putShort(out, pos + 2, MI_LENGTH);
            System.arraycopy(mac, 0, out, pos + 4, MI_LENGTH);
            pos += 4 + MI_LENGTH;
        }
        if (fingerprint) {
            putShort(out, 2, pos + 8 - Stun.HEADER_LENGTH);
            int crc = crc32(out, 0, pos) ^ Stun.FINGERPRINT_XOR;
            putShort(out, pos, Stun.ATTR_FINGERPRINT);
            putShort(out, pos + 2, 4);
            putInt(out, pos + 4, crc);
            pos += 8;
        }
        putShort(out, 2, pos - Stun.HEADER_LENGTH);
        return out;
    }

    /** Decodes exactly {@code len} bytes as one STUN message, rejecting a bad FINGERPRINT. */
    public static StunMessage decode(byte[] buf, int off, int len) throws StunParseException {
        checkHeader(buf, off, len);
        int msgLen = getShort(buf, off + 2);
        if (Stun.HEADER_LENGTH + msgLen != len) {
            throw new StunParseException("length field does not match datagram");
        }
        byte[] txId = new byte[12];
        System.arraycopy(buf, off + 8, txId, 0, 12);
        List<StunAttribute> attrs = new ArrayList<>();
        int pos = off + Stun.HEADER_LENGTH;
        int end = off + len;
        boolean sawIntegrity = false;
        while (pos < end) {
            if (end - pos < 4) {
                throw new StunParseException("truncated attribute header");
            }
            int type = getShort(buf, pos);
            int vlen = getShort(buf, pos + 2);
            if (pos + 4 + pad4(vlen) > end) {
                throw new StunParseException("attribute overruns message");
            }
            if (type == Stun.ATTR_FINGERPRINT) {
                if (vlen != 4 || pos + 8 != end) {
                    throw new StunParseException("FINGERPRINT must be last");
                }
                if (!verifyFingerprintAt(buf, off, pos)) {
                    throw new StunParseException("bad FINGERPRINT");
                }
            } else if (sawIntegrity) {
                // RFC 8489 14.5: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored.
                pos += 4 + pad4(vlen);
                continue;
            }
            if (type == Stun.ATTR_MESSAGE_INTEGRITY) {
                if (vlen != MI_LENGTH) {
                    throw new StunParseException("bad MESSAGE-INTEGRITY length");
                }
                sawIntegrity = true;
            }
            byte[] v = new byte[vlen];
            System.arraycopy(buf, pos + 4, v, 0, vlen);
            attrs.add(new StunAttribute(type, v));
            pos += 4 + pad4(vlen);
        }
        return new StunMessage(getShort(buf, off), txId, attrs);
    }

    /** Validates the fixed header: zero top bits, magic cookie and a 4-byte aligned length. */
    public static void checkHeader(byte[] buf, int off, int len) throws StunParseException {
        if (len < Stun.HEADER_LENGTH) {
            throw new StunParseException("shorter than STUN header");
        }
        if ((buf[off] & 0xC0) != 0) {
            throw new StunParseException("top bits not zero");
        }
        if (getInt(buf, off + 4) != Stun.MAGIC_COOKIE) {
            throw new StunParseException("bad magic cookie");
        }
        if ((getShort(buf, off + 2) & 3) != 0) {
            throw new StunParseException("length not multiple of 4");
        }
    }

    /** Verifies MESSAGE-INTEGRITY in the raw message with the given key; false if absent or wrong. */
    public static boolean verifyIntegrity(byte[] buf, int off, int len, byte[] key) {
        int pos = off + Stun.HEADER_LENGTH;
        int end = off + len;
        while (pos + 4 <= end) {
            int type = getShort(buf, pos);
            int vlen = getShort(buf, pos + 2);
            if (type == Stun.ATTR_MESSAGE_INTEGRITY) {
                if (vlen != MI_LENGTH || pos + 4 + MI_LENGTH > end) {
                    return false;
                }
                Mac mac = initMac(key);
                mac.update(buf, off, 2);
                int adjusted = pos + 4 + MI_LENGTH - off - Stun.HEADER_LENGTH;
                mac.update((byte) (adjusted >>> 8));
                mac.update((byte) adjusted);
                mac.update(buf, off + 4, pos - off - 4);
                byte[] expected = mac.doFinal();
                byte[] actual = new byte[MI_LENGTH];
                System.arraycopy(buf, pos + 4, actual, 0, MI_LENGTH);
                return MessageDigest.isEqual(expected, actual);
            }
            pos += 4 + pad4(vlen);
        }
        return false;
    }

    /** Verifies a trailing FINGERPRINT; false if absent or wrong. */
    public static boolean verifyFingerprint(byte[] buf, int off, int len) {
        int fpPos = off + len - 8;
        if (len < Stun.HEADER_LENGTH + 8 || getShort(buf, fpPos) != Stun.ATTR_FINGERPRINT || getShort(buf, fpPos + 2) != 4) {
            return false;
        }
        return verifyFingerprintAt(buf, off, fpPos);
    }

    private static boolean verifyFingerprintAt(byte[] buf, int off, int fpPos) {
        return (crc32(buf, off, fpPos - off) ^ Stun.FINGERPRINT_XOR) == getInt(buf, fpPos + 4);
    }

    public static byte[] hmacSha1(byte[] key, byte[] data, int off, int len) {
        Mac mac = initMac(key);
        mac.update(data, off, len);
        return mac.doFinal();
    }

    private static Mac initMac(byte[] key) {
        Mac mac = HMAC_SHA1.get();
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return mac;
    }

    private static int crc32(byte[] buf, int off, int len) {
        CRC32 crc = new CRC32();
        crc.update(buf, off, len);
        return (int) crc.getValue();
    }

    public static int pad4(int n) {
        return (n + 3) & ~3;
    }

    public static int getShort(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    public static int getInt(byte[] b, int i) {
        return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    public static void putShort(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    public static void putInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
