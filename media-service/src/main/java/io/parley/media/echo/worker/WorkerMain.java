package io.parley.media.echo.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.media.echo.EchoEngine;
import io.parley.media.echo.EchoPeer;
import io.parley.media.echo.InvalidOfferException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * An echo worker process: runs an {@link EchoEngine} and answers the commands media-service sends over a Unix domain
 * socket, one JSON object per line, with events on the same socket (the protocol is in {@link EchoWorker}). It ends
 * its calls and exits when the socket closes: media-service retired it, stopped, or died.
 *
 * <p>Arguments: the socket's path, the gathering timeout in milliseconds, the first and last UDP port of the
 * candidates (0 0 for any).
 */
public final class WorkerMain {

    private static final Logger LOG = Logger.getLogger(WorkerMain.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LineChannel protocol;
    private final EchoEngine engine;
    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "echo-worker-control");
        t.setDaemon(true);
        return t;
    });
    /** Only touched on the control thread. */
    private final Map<Long, EchoPeer> peers = new HashMap<>();
    /** Only touched on the control thread: calls media-service gave up on while they were being answered. */
    private final Set<Long> closedWhileAnswering = new HashSet<>();
    private final Map<Long, AtomicLong> framesEchoed = new ConcurrentHashMap<>();

    private WorkerMain(LineChannel protocol, EchoEngine engine) {
        this.protocol = protocol;
        this.engine = engine;
    }

    public static void main(String[] args) throws IOException {
        LineChannel protocol = new LineChannel(SocketChannel.open(UnixDomainSocketAddress.of(args[0])));
        EchoEngine engine;
        try {
            EchoEngine.Settings settings = new EchoEngine.Settings(Duration.ofMillis(Long.parseLong(args[1])),
                    Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            engine = EchoEngine.start(settings);
        } catch (RuntimeException e) {
            protocol.writeLine(JSON.createObjectNode().put("ev", "error").put("message", String.valueOf(e.getMessage()))
                    .toString());
            System.exit(1);
            return;
        }
        new WorkerMain(protocol, engine).run();
    }

    private void run() throws IOException {
        control.scheduleWithFixedDelay(this::reportFrames, 500, 500, TimeUnit.MILLISECONDS);
        send(event("ready").put("pid", ProcessHandle.current().pid()));
        String line;
        while ((line = protocol.readLine()) != null) {
            try {
                handle(JSON.readTree(line));
            } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "echo worker: unusable command %.200s", line);
            }
        }
        LOG.debugf("echo worker %d: media-service closed the connection, ending %d calls",
                ProcessHandle.current().pid(), peers.size());
        try {
            control.submit(() -> peers.values().forEach(EchoPeer::close)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf(e, "echo worker: closing its calls failed");
        }
        // Exiting frees the native memory; disposing the factory first would only add a chance to crash on the way.
        System.exit(0);
    }

    private void handle(JsonNode command) {
        long call = command.path("call").asLong();
        switch (command.path("op").asText()) {
            case "answer" -> answer(call, command.path("sdp").asText());
            case "report" -> control.execute(() -> report(call, command.path("req").asLong()));
            case "close" -> control.execute(() -> close(call));
            default -> LOG.errorf("echo worker: unknown command %s", command);
        }
    }

    private void answer(long call, String offerSdp) {
        try {
            engine.answer(offerSdp, listener(call), control).whenCompleteAsync((peer, error) -> {
                if (error == null && closedWhileAnswering.remove(call)) {
                    peer.close();
                } else if (error == null) {
                    peers.put(call, peer);
                    send(event("answered").put("call", call).put("sdp", peer.answerSdp()));
                } else {
                    closedWhileAnswering.remove(call);
                    refuse(call, error);
                }
            }, control);
        } catch (RuntimeException e) {
            refuse(call, e);
        }
    }

    private void refuse(long call, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        framesEchoed.remove(call);
        send(event("refused").put("call", call).put("invalid", cause instanceof InvalidOfferException)
                .put("message", String.valueOf(cause.getMessage())));
    }

    private void report(long call, long request) {
        EchoPeer peer = peers.get(call);
        if (peer == null) {
            send(event("report").put("req", request).put("error", "no such call"));
            return;
        }
        peer.report().whenComplete((report, error) -> {
            ObjectNode reply = event("report").put("req", request);
            if (error == null) {
                reply.set("report", JSON.valueToTree(report));
            } else {
                reply.put("error", String.valueOf(error.getMessage()));
            }
            send(reply);
        });
    }

    private void close(long call) {
        EchoPeer peer = peers.remove(call);
        try {
            if (peer != null) {
                peer.close();
            } else if (framesEchoed.containsKey(call)) {
                // Still being answered (media-service stopped waiting): close it once it is.
                closedWhileAnswering.add(call);
            }
        } finally {
            reportFrames();
            framesEchoed.remove(call);
            send(event("closed").put("call", call));
        }
    }

    private void reportFrames() {
        framesEchoed.forEach((call, count) -> {
            long frames = count.getAndSet(0);
            if (frames > 0) {
                send(event("frames").put("call", call).put("count", frames));
            }
        });
    }

    private EchoPeer.Listener listener(long call) {
        AtomicLong frames = framesEchoed.computeIfAbsent(call, c -> new AtomicLong());
        return new EchoPeer.Listener() {
            @Override
            public void connected() {
                send(event("connected").put("call", call));
            }

            @Override
            public void disconnected() {
                send(event("disconnected").put("call", call));
            }

            @Override
            public void failed() {
                send(event("failed").put("call", call));
            }

            @Override
            public void frameEchoed() {
                frames.incrementAndGet();
            }
        };
    }

    private static ObjectNode event(String name) {
        return JSON.createObjectNode().put("ev", name);
    }

    private void send(ObjectNode event) {
        try {
            protocol.writeLine(event.toString());
        } catch (IOException e) {
            // media-service is gone: the read loop ends and the worker exits.
            LOG.debugf(e, "echo worker: event %s not sent", event.path("ev").asText());
        }
    }
}
