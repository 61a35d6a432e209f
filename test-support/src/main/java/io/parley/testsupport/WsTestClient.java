package io.parley.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A WebSocket client for protocol tests: connects with a bearer token, sends envelopes
 * {@code {id, type, payload}}, keeps every message received, and waits for the one a test expects.
 * Waits poll the received list under a deadline; nothing sleeps for a fixed time.
 */
public final class WsTestClient implements AutoCloseable {

    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<JsonNode> received = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private final WebSocket socket;
    private final String name;

    /** How the server closed the socket. */
    public record CloseStatus(int code, String reason) {
    }

    private WsTestClient(URI uri, java.util.Map<String, String> headers, String name) throws Exception {
        this.name = name;
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
    }

    /**
     * Connects to {@code ws://host:port/path} as the holder of {@code token} (null: anonymous); an
     * {@code http(s)://} URI, as {@code @TestHTTPResource} gives, is taken to mean {@code ws(s)://}.
     */
    public static WsTestClient connect(URI uri, String token, String name) throws Exception {
        return connect(uri, token == null ? java.util.Map.of() : java.util.Map.of("Authorization", "Bearer " + token), name);
    }

    /** Connects sending {@code headers} with the upgrade request (e.g. a browser's session cookie). */
    public static WsTestClient connect(URI uri, java.util.Map<String, String> headers, String name) throws Exception {
        String scheme = switch (uri.getScheme()) {
            case "http" -> "ws";
            case "https" -> "wss";
            default -> uri.getScheme();
        };
        return new WsTestClient(new URI(scheme, uri.getRawSchemeSpecificPart(), null), headers, name);
    }

    /** Sends {@code {id, type, payload}} and returns the id used. */
    public String send(String type, Object payload) {
        String id = name + "-" + ids.incrementAndGet();
        ObjectNode envelope = JSON.createObjectNode().put("id", id).put("type", type);
        envelope.set("payload", JSON.valueToTree(payload));
        sendRaw(envelope.toString());
        return id;
    }

    /** Sends a text frame as is (for malformed-input tests). */
    public void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends a request and waits for its {@code ack} or {@code error} reply. */
    public JsonNode request(String type, Object payload) {
        String id = send(type, payload);
        return await(m -> id.equals(m.path("id").asText()) && (m.path("type").asText().equals("ack")
                || m.path("type").asText().equals("error")), "reply to " + type + " " + id);
    }

    /** Sends a request that must succeed and returns the ack's payload. */
    public JsonNode ok(String type, Object payload) {
        JsonNode reply = request(type, payload);
        if (!"ack".equals(reply.path("type").asText())) {
            throw new AssertionError(name + ": " + type + " refused: " + reply);
        }
        return reply.path("payload");
    }

    /** Waits for a message of {@code type} whose payload satisfies {@code condition}. */
    public JsonNode awaitEvent(String type, Predicate<JsonNode> condition) {
        return await(m -> type.equals(m.path("type").asText()) && condition.test(m.path("payload")), type);
    }

    /** Waits for a message of {@code type} about {@code callId}. */
    public JsonNode awaitCallEvent(String type, String callId) {
        return awaitEvent(type, p -> callId.equals(p.path("callId").asText())).path("payload");
    }

    /** Waits up to {@link #DEFAULT_WAIT} for a message matching {@code condition}. */
    public JsonNode await(Predicate<JsonNode> condition, String what) {
        return await(0, condition, what);
    }

    /** Waits up to {@link #DEFAULT_WAIT} for a message matching {@code condition} among those from index {@code from} on. */
    public JsonNode await(int from, Predicate<JsonNode> condition, String what) {
        return await(DEFAULT_WAIT, from, condition, what);
    }

    /** Waits up to {@code wait} for a message matching {@code condition} among those from index {@code from} on. */
    public JsonNode await(Duration wait, int from, Predicate<JsonNode> condition, String what) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (received) {
            while (true) {
                for (JsonNode message : received.subList(Math.min(from, received.size()), received.size())) {
                    if (condition.test(message)) {
                        return message;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + ": no " + what + " within " + wait.toSeconds()
                            + " s; received " + received);
                }
                try {
                    received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** True when a message matching {@code condition} was received so far. */
    public boolean hasReceived(Predicate<JsonNode> condition) {
        synchronized (received) {
            return received.stream().anyMatch(condition);
        }
    }

    /** Everything received so far. */
    public List<JsonNode> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits for the server to close the socket. */
    public CloseStatus awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError(name + ": socket not closed within " + timeout.toSeconds() + " s", e);
        }
    }

    public boolean isOpen() {
        return !closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                JsonNode message;
                try {
                    message = JSON.readTree(text);
                } catch (Exception e) {
                    message = JSON.createObjectNode().put("type", "unparseable").put("text", text);
                }
                synchronized (received) {
                    received.add(message);
                    received.notifyAll();
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new CloseStatus(statusCode, reason));
            synchronized (received) {
                received.notifyAll();
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new CloseStatus(-1, String.valueOf(error)));
        }
    }
}
