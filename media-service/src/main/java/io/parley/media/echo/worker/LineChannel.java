package io.parley.media.echo.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One line of JSON per message over the Unix domain socket between media-service and an echo worker. The worker's
 * standard output is not used for this: libwebrtc and webrtc-java print to it from native code.
 *
 * <p>Reads and writes go straight to the channel: {@code Channels.newInputStream} would hold the channel's blocking
 * lock while waiting for input and so block every write meanwhile.
 */
final class LineChannel implements AutoCloseable {

    private final SocketChannel channel;
    private final BufferedReader reader;

    LineChannel(SocketChannel channel) {
        this.channel = channel;
        this.reader = new BufferedReader(new InputStreamReader(new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return channel.read(ByteBuffer.wrap(b, off, len));
            }
        }, StandardCharsets.UTF_8));
    }

    /** The next line, or null once the other side has closed its end or the connection failed: either ends it. */
    String readLine() {
        try {
            return reader.readLine();
        } catch (IOException e) {
            return null;
        }
    }

    /** Writes {@code line} and a newline; whole lines never interleave. */
    void writeLine(String line) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        synchronized (this) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    /** Tells the other side there is nothing more to read (it sees the end of its input). */
    void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
