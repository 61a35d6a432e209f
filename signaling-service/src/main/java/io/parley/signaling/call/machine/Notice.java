package io.parley.signaling.call.machine;

/** One server event of a transition ({@code type} is a {@code SignalingEvents} type) and who gets it. */
public record Notice(Recipient to, String type) {
}
