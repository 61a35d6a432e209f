package io.parley.media.turn;

import io.parley.common.turn.TurnCredentials;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/** Minimal blocking TURN client for tests, speaking UDP or TCP (with RFC 8656 ChannelData padding) to the server. */
public final class TestTurnClient implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A received ChannelData frame. */
    public record ChannelData(int channel, byte[] data) {
    }

    private final boolean tcp;
    private final InetSocketAddress server;
    private final DatagramSocket udpSocket;
    private final Socket tcpSocket;
    private final DataInputStream tcpIn;
    private final OutputStream tcpOut;
    private final Deque<byte[]> pending = new ArrayDeque<>();
    String realm;
    String nonce;
    byte[] key;
    String username;

    public TestTurnClient(InetSocketAddress server, boolean tcp) throws IOException {
        this.tcp = tcp;
        this.server = server;
        if (tcp) {
            tcpSocket = new Socket();
            tcpSocket.connect(server, 2000);
            tcpSocket.setSoTimeout(2000);
            tcpSocket.setTcpNoDelay(true);
            tcpIn = new DataInputStream(tcpSocket.getInputStream());
            tcpOut = tcpSocket.getOutputStream();
            udpSocket = null;
        } else {
            udpSocket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            udpSocket.setSoTimeout(2000);
            tcpSocket = null;
            tcpIn = null;
            tcpOut = null;
        }
    }

    public static byte[] newTransactionId() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return id;
    }

    public void sendRaw(byte[] bytes) throws IOException {
        if (tcp) {
            tcpOut.write(bytes);
            tcpOut.flush();
        } else {
            udpSocket.send(new DatagramPacket(bytes, bytes.length, server));
        }
    }

    /** Reads the next frame from the server, or null on timeout. */
    public byte[] readFrame() throws IOException {
        if (!pending.isEmpty()) {
            return pending.poll();
        }
        try {
            if (!tcp) {
                byte[] buf = new byte[65600];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udpSocket.receive(p);
                return Arrays.copyOf(buf, p.getLength());
            }
            byte[] head = new byte[4];
            tcpIn.readFully(head);
            int len = StunCodec.getShort(head, 2);
            int total = (head[0] & 0xC0) == 0x40 ? StunCodec.pad4(4 + len) : Stun.HEADER_LENGTH + len;
            byte[] frame = Arrays.copyOf(head, total);
            tcpIn.readFully(frame, 4, total - 4);
            return frame;
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Sends a request and waits for the response with the same transaction id, queueing anything else. */
    public StunMessage transact(StunMessage req, byte[] integrityKey) throws Exception {
        sendRaw(StunCodec.encode(req, integrityKey, true));
        List<byte[]> other = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < deadline) {
                byte[] f = readFrame();
                if (f == null) {
                    continue;
                }
                if ((f[0] & 0xC0) == 0 && f.length >= 20
                        && Arrays.equals(Arrays.copyOfRange(f, 8, 20), req.transactionId())) {
                    if (!StunCodec.verifyFingerprint(f, 0, f.length)) {
                        throw new AssertionError("response without valid FINGERPRINT");
                    }
                    StunMessage resp = StunCodec.decode(f, 0, f.length);
                    if (integrityKey != null && resp.has(Stun.ATTR_MESSAGE_INTEGRITY)
                            && !StunCodec.verifyIntegrity(f, 0, f.length, integrityKey)) {
                        throw new AssertionError("response MESSAGE-INTEGRITY invalid");
                    }
                    return resp;
                }
                other.add(f);
            }
            throw new AssertionError("no response");
        } finally {
            pending.addAll(other);
        }
    }

    public StunMessage authedRequest(int method, List<StunAttribute> attrs) throws Exception {
        List<StunAttribute> all = new ArrayList<>(attrs);
        all.add(StunAttribute.string(Stun.ATTR_USERNAME, username));
        all.add(StunAttribute.string(Stun.ATTR_REALM, realm));
        all.add(StunAttribute.string(Stun.ATTR_NONCE, nonce));
        StunMessage resp = transact(new StunMessage(Stun.messageType(method, Stun.CLASS_REQUEST), newTransactionId(), all),
                key);
        if (resp.messageClass() == Stun.CLASS_ERROR && errorCode(resp) == Stun.ERR_STALE_NONCE) {
            nonce = resp.attribute(Stun.ATTR_NONCE).asString();
            return authedRequest(method, attrs);
        }
        return resp;
    }

    /** Performs the 401 challenge round trip and stores realm, nonce and key for later requests. */
    public StunMessage allocate(String user, String password, List<StunAttribute> extra) throws Exception {
        List<StunAttribute> attrs = new ArrayList<>(extra);
        if (attrs.stream().noneMatch(a -> a.type() == Stun.ATTR_REQUESTED_TRANSPORT)) {
            attrs.add(StunAttribute.requestedTransport(Stun.TRANSPORT_UDP));
        }
        StunMessage challenge = transact(new StunMessage(Stun.messageType(Stun.ALLOCATE, Stun.CLASS_REQUEST),
                newTransactionId(), attrs), null);
        if (errorCode(challenge) != Stun.ERR_UNAUTHORIZED) {
            throw new AssertionError("expected 401 challenge, got " + errorCode(challenge));
        }
        realm = challenge.attribute(Stun.ATTR_REALM).asString();
        nonce = challenge.attribute(Stun.ATTR_NONCE).asString();
        username = user;
        key = TurnCredentials.longTermKey(user, realm, password);
        return authedRequest(Stun.ALLOCATE, attrs);
    }

    public StunMessage allocate(String user, String password) throws Exception {
        return allocate(user, password, List.of());
    }

    public StunMessage createPermission(InetSocketAddress peer) throws Exception {
        byte[] tx = newTransactionId();
        return authedRequestWithTx(Stun.CREATE_PERMISSION, tx,
                List.of(StunAttribute.xorAddress(Stun.ATTR_XOR_PEER_ADDRESS, peer, tx)));
    }

    public StunMessage channelBind(int channel, InetSocketAddress peer) throws Exception {
        byte[] tx = newTransactionId();
        return authedRequestWithTx(Stun.CHANNEL_BIND, tx, List.of(StunAttribute.channelNumber(channel),
                StunAttribute.xorAddress(Stun.ATTR_XOR_PEER_ADDRESS, peer, tx)));
    }

    public StunMessage refresh(long lifetime) throws Exception {
        return authedRequest(Stun.REFRESH, List.of(StunAttribute.u32(Stun.ATTR_LIFETIME, lifetime)));
    }

    // XOR addresses depend on the transaction id, so requests carrying them fix it up front.
    private StunMessage authedRequestWithTx(int method, byte[] tx, List<StunAttribute> attrs) throws Exception {
        List<StunAttribute> all = new ArrayList<>(attrs);
        all.add(StunAttribute.string(Stun.ATTR_USERNAME, username));
        all.add(StunAttribute.string(Stun.ATTR_REALM, realm));
        all.add(StunAttribute.string(Stun.ATTR_NONCE, nonce));
        return transact(new StunMessage(Stun.messageType(method, Stun.CLASS_REQUEST), tx, all), key);
    }

    public void sendIndication(InetSocketAddress peer, byte[] data) throws IOException {
        byte[] tx = newTransactionId();
        StunMessage ind = new StunMessage(Stun.messageType(Stun.SEND, Stun.CLASS_INDICATION), tx, List.of(
                StunAttribute.xorAddress(Stun.ATTR_XOR_PEER_ADDRESS, peer, tx), new StunAttribute(Stun.ATTR_DATA, data)));
        sendRaw(StunCodec.encode(ind, null, false));
    }

    public void sendChannelData(int channel, byte[] data) throws IOException {
        int len = 4 + data.length;
        byte[] frame = new byte[tcp ? StunCodec.pad4(len) : len];
        StunCodec.putShort(frame, 0, channel);
        StunCodec.putShort(frame, 2, data.length);
        System.arraycopy(data, 0, frame, 4, data.length);
        sendRaw(frame);
    }

    /** Waits for the next Data indication or ChannelData; returns a StunMessage or ChannelData, or null. */
    public Object receiveData(long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            byte[] f = readFrame();
            if (f == null) {
                continue;
            }
            if ((f[0] & 0xC0) == 0x40) {
                int len = StunCodec.getShort(f, 2);
                return new ChannelData(StunCodec.getShort(f, 0), Arrays.copyOfRange(f, 4, 4 + len));
            }
            StunMessage m = StunCodec.decode(f, 0, f.length);
            if (m.type() == Stun.messageType(Stun.DATA, Stun.CLASS_INDICATION)) {
                return m;
            }
        }
        return null;
    }

    public static int errorCode(StunMessage m) {
        StunAttribute e = m.attribute(Stun.ATTR_ERROR_CODE);
        return e == null ? 0 : e.asErrorCode();
    }

    @Override
    public void close() throws IOException {
        if (tcp) {
            tcpSocket.close();
        } else {
            udpSocket.close();
        }
    }
}
