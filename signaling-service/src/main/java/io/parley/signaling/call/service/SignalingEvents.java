package io.parley.signaling.call.service;

import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.event.call.Party;

/** Payloads of the server events of docs/protocol.md, one record per event type. */
public final class SignalingEvents {

    private SignalingEvents() {
    }

    public record IncomingCall(String callId, Party caller, boolean audio, boolean video, String provider) {
    }

    public record StateChange(String callId, CallState state) {
    }

    public record CallOnly(String callId) {
    }

    public record Disconnect(String callId, EndReason reason, int status, String endedBy) {
    }

    /** Why a call failed: {@code errorType} is {@code call_control} or {@code media}. */
    public record CallError(String callId, String errorType, String code, String message) {
    }

    public record Sdp(String callId, String sdpType, String sdp) {
    }

    public record Ice(String callId, String candidate, String sdpMid, Integer sdpMLineIndex) {
    }
}
