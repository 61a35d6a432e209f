package io.parley.media.echo;

/**
 * The audio an echo test call sends back instead of the caller's own: 440 Hz beeps, half a second on and half a
 * second off, as 48 kHz mono 16-bit PCM in the 10 ms chunks libwebrtc takes.
 */
final class TestTone {

    static final int SAMPLE_RATE = 48_000;
    static final int CHANNELS = 1;
    static final int BITS_PER_SAMPLE = 16;
    static final int FRAMES_PER_CHUNK = SAMPLE_RATE / 100;

    private static final double FREQUENCY = 440;
    /** About -14 dBFS: clearly audible, far from clipping. */
    private static final double AMPLITUDE = 0.2 * Short.MAX_VALUE;
    /** Edges fade over 5 ms so the beeps do not click. */
    private static final int FADE = SAMPLE_RATE / 200;

    private final byte[][] chunks = new byte[100][];

    TestTone() {
        int beep = SAMPLE_RATE / 2;
        for (int c = 0; c < chunks.length; c++) {
            byte[] pcm = new byte[FRAMES_PER_CHUNK * BITS_PER_SAMPLE / 8];
            for (int i = 0; i < FRAMES_PER_CHUNK; i++) {
                int n = c * FRAMES_PER_CHUNK + i;
                double envelope = n >= beep ? 0 : Math.min(1, Math.min(n, beep - n) / (double) FADE);
                short sample = (short) Math.round(AMPLITUDE * envelope * Math.sin(2 * Math.PI * FREQUENCY * n / SAMPLE_RATE));
                pcm[2 * i] = (byte) sample;
                pcm[2 * i + 1] = (byte) (sample >> 8);
            }
            chunks[c] = pcm;
        }
    }

    /** The {@code index}-th 10 ms chunk (the pattern repeats every second); little-endian samples. */
    byte[] chunk(long index) {
        return chunks[(int) (index % chunks.length)];
    }
}
