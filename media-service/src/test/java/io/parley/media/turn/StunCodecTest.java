package io.parley.media.turn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.common.turn.TurnCredentials;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Codec tests against the RFC 5769 test vectors plus round trips and long-term credential integrity. */
class StunCodecTest {
    private static final byte[] SHORT_TERM_KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

    // RFC 5769 section 2.1: sample request.
    private static final byte[] SAMPLE_REQUEST = HexFormat.of().parseHex(
            "000100582112a442b7e7a701bc34d686fa87dfae"
            + "802200105354554e207465737420636c69656e74"
            + "002400046e0001ff"
            + "80290008932ff9b151263b36"
            + "000600096576746a3a68367659202020"
            + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
            + "80280004e57a3bcf");

    // RFC 5769 section 2.2: sample IPv4 response.
    private static final byte[] SAMPLE_RESPONSE = HexFormat.of().parseHex(
            "0101003c2112a442b7e7a701bc34d686fa87dfae"
            + "8022000b7465737420766563746f7220"
            + "002000080001a147e112a643"
            + "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
            + "80280004c07d4c96");

    @Test
    void rfc5769SampleRequestVerifies() throws Exception {
        StunMessage m = StunCodec.decode(SAMPLE_REQUEST, 0, SAMPLE_REQUEST.length);
        assertEquals(Stun.BINDING, m.method());
        assertEquals(Stun.CLASS_REQUEST, m.messageClass());
        assertEquals("evtj:h6vY", m.attribute(Stun.ATTR_USERNAME).asString());
        assertEquals("STUN test client", m.attribute(Stun.ATTR_SOFTWARE).asString());
        assertTrue(StunCodec.verifyFingerprint(SAMPLE_REQUEST, 0, SAMPLE_REQUEST.length));
        assertTrue(StunCodec.verifyIntegrity(SAMPLE_REQUEST, 0, SAMPLE_REQUEST.length, SHORT_TERM_KEY));
        assertFalse(StunCodec.verifyIntegrity(SAMPLE_REQUEST, 0, SAMPLE_REQUEST.length, "wrong".getBytes()));
    }

    @Test
    void rfc5769SampleResponseVerifiesAndDecodesAddress() throws Exception {
        StunMessage m = StunCodec.decode(SAMPLE_RESPONSE, 0, SAMPLE_RESPONSE.length);
        assertEquals(Stun.CLASS_SUCCESS, m.messageClass());
        assertTrue(StunCodec.verifyFingerprint(SAMPLE_RESPONSE, 0, SAMPLE_RESPONSE.length));
        assertTrue(StunCodec.verifyIntegrity(SAMPLE_RESPONSE, 0, SAMPLE_RESPONSE.length, SHORT_TERM_KEY));
        InetSocketAddress mapped = m.attribute(Stun.ATTR_XOR_MAPPED_ADDRESS).asXorAddress(m.transactionId());
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853), mapped);
    }

    @Test
    void encoderReproducesRfc5769VectorsByteForByte() throws Exception {
        // The vectors pad with spaces (0x20), which RFC 8489 permits; with that pad byte the output must be identical.
        for (byte[] vector : List.of(SAMPLE_REQUEST, SAMPLE_RESPONSE)) {
            StunMessage parsed = StunCodec.decode(vector, 0, vector.length);
            List<StunAttribute> attrs = parsed.attributes().stream()
                    .filter(a -> a.type() != Stun.ATTR_MESSAGE_INTEGRITY && a.type() != Stun.ATTR_FINGERPRINT).toList();
            byte[] encoded = StunCodec.encode(new StunMessage(parsed.type(), parsed.transactionId(), attrs),
                    SHORT_TERM_KEY, true, (byte) 0x20);
            assertArrayEquals(vector, encoded);
        }
    }

    @Test
    void roundTripWithLongTermCredentials() throws Exception {
        byte[] tx = TestTurnClient.newTransactionId();
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 4242);
        StunMessage msg = new StunMessage(Stun.messageType(Stun.CREATE_PERMISSION, Stun.CLASS_REQUEST), tx, List.of(
                StunAttribute.string(Stun.ATTR_USERNAME, "1700000000:alice"),
                StunAttribute.string(Stun.ATTR_REALM, "parley"),
                StunAttribute.string(Stun.ATTR_NONCE, "abc"),
                StunAttribute.xorAddress(Stun.ATTR_XOR_PEER_ADDRESS, peer, tx)));
        byte[] key = TurnCredentials.longTermKey("1700000000:alice", "parley", "pw");
        byte[] wire = StunCodec.encode(msg, key, true);
        StunMessage back = StunCodec.decode(wire, 0, wire.length);
        assertEquals(msg.type(), back.type());
        assertArrayEquals(tx, back.transactionId());
        assertEquals(msg.attributes(), back.attributes().subList(0, 4));
        assertEquals(peer, back.attribute(Stun.ATTR_XOR_PEER_ADDRESS).asXorAddress(tx));
        assertNotNull(back.attribute(Stun.ATTR_MESSAGE_INTEGRITY));
        assertTrue(StunCodec.verifyIntegrity(wire, 0, wire.length, key));
        assertFalse(StunCodec.verifyIntegrity(wire, 0, wire.length,
                TurnCredentials.longTermKey("1700000000:alice", "parley", "other")));
        wire[30] ^= 1;
        assertFalse(StunCodec.verifyIntegrity(wire, 0, wire.length, key));
        byte[] tampered = wire;
        assertThrows(StunParseException.class, () -> StunCodec.decode(tampered, 0, tampered.length));
    }

    @Test
    void longTermKeyIsMd5OfUserRealmPassword() {
        // MD5("user:realm:pass") computed independently: echo -n 'user:realm:pass' | md5sum
        assertEquals("8493fbc53ba582fb4c044c456bdc40eb",
                HexFormat.of().formatHex(TurnCredentials.longTermKey("user", "realm", "pass")));
    }

    @Test
    void messageTypeInterleaving() {
        assertEquals(0x0001, Stun.messageType(Stun.BINDING, Stun.CLASS_REQUEST));
        assertEquals(0x0113, Stun.messageType(Stun.ALLOCATE, Stun.CLASS_ERROR));
        assertEquals(0x0016, Stun.messageType(Stun.SEND, Stun.CLASS_INDICATION));
        assertEquals(0x0017, Stun.messageType(Stun.DATA, Stun.CLASS_INDICATION));
        assertEquals(0x0109, Stun.messageType(Stun.CHANNEL_BIND, Stun.CLASS_SUCCESS));
        assertEquals(Stun.CHANNEL_BIND, Stun.method(0x0109));
    }

    @Test
    void rejectsMalformed() {
        assertThrows(StunParseException.class, () -> StunCodec.decode(new byte[10], 0, 10));
        byte[] badCookie = SAMPLE_REQUEST.clone();
        badCookie[4] = 0;
        assertThrows(StunParseException.class, () -> StunCodec.decode(badCookie, 0, badCookie.length));
        byte[] badLength = SAMPLE_REQUEST.clone();
        badLength[3] = 0x5C;
        assertThrows(StunParseException.class, () -> StunCodec.decode(badLength, 0, badLength.length));
        byte[] overrun = SAMPLE_REQUEST.clone();
        overrun[22] = 0x7F;
        assertThrows(StunParseException.class, () -> StunCodec.decode(overrun, 0, overrun.length));
        byte[] badFingerprint = SAMPLE_REQUEST.clone();
        badFingerprint[badFingerprint.length - 1] ^= 1;
        assertThrows(StunParseException.class, () -> StunCodec.decode(badFingerprint, 0, badFingerprint.length));
    }
}
