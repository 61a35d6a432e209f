package io.parley.media.echo.worker;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A stand-in worker process for {@link EchoWorkerIT}: reports ready, never answers an offer, and exits once it is
 * told to close the call it was asked to answer.
 */
public final class SilentWorker {
    private SilentWorker() {
    }

    public static void main(String[] args) throws IOException {
        LineChannel channel = new LineChannel(SocketChannel.open(UnixDomainSocketAddress.of(args[0])));
        channel.writeLine("{\"ev\":\"ready\",\"pid\":" + ProcessHandle.current().pid() + "}");
        String offered = null;
        String line;
        while ((line = channel.readLine()) != null) {
            String call = line.replaceAll(".*\"call\":(\\d+).*", "$1");
            if (line.contains("\"op\":\"answer\"")) {
                offered = call;
            } else if (line.contains("\"op\":\"close\"") && call.equals(offered)) {
                System.exit(0);
            }
        }
        System.exit(1);
    }
}
