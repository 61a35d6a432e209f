package io.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/** One protocol socket of a benchmark user: sends envelopes, hands each received message to a handler. */
final class BenchSocket {

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicLong SENT = new AtomicLong();
    static final AtomicLong RECEIVED = new AtomicLong();
    private static final AtomicLong IDS = new AtomicLong();

    private final WebSocket socket;

    private BenchSocket(WebSocket socket) {
        this.socket = socket;
    }

    /** Connects with a bearer token; {@code handler} gets (type, whole message) for every message. */
    static Future<BenchSocket> connect(WebSocketClient client, String uri, String token, BiConsumer<String, JsonNode> handler) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setAbsoluteURI(uri)
                .addHeader("Authorization", "Bearer " + token);
        return client.connect(options).map(ws -> {
            ws.textMessageHandler(text -> {
                RECEIVED.incrementAndGet();
                try {
                    JsonNode message = JSON.readTree(text);
                    handler.accept(message.path("type").asText(), message);
                } catch (Exception e) {
                    handler.accept("unparseable", JSON.createObjectNode().put("text", text));
                }
            });
            return new BenchSocket(ws);
        });
    }

    void send(String type, ObjectNode payload) {
        ObjectNode envelope = JSON.createObjectNode().put("id", "b" + IDS.incrementAndGet()).put("type", type);
        envelope.set("payload", payload);
        SENT.incrementAndGet();
        socket.writeTextMessage(envelope.toString());
    }

    static ObjectNode payload() {
        return JSON.createObjectNode();
    }

    boolean open() {
        return !socket.isClosed();
    }

    Future<Void> close() {
        return socket.close();
    }
}
