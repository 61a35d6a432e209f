package io.parley.signaling.call.service;

import io.parley.protocol.ApiException;
import io.parley.protocol.ErrorCode;

/** The call-control refusals of docs/protocol.md, with the message each gives. */
public final class CallErrors {

    private CallErrors() {
    }

    public static ApiException invalidPayload(String message) {
        return new ApiException(ErrorCode.INVALID_PAYLOAD, message);
    }

    /** Same answer for "no such call" and "not your call": existence never leaks. */
    public static ApiException callNotFound() {
        return new ApiException(ErrorCode.CALL_NOT_FOUND, "no such call");
    }

    public static ApiException invalidState(String message) {
        return new ApiException(ErrorCode.INVALID_STATE, message);
    }

    public static ApiException unknownCallee() {
        return new ApiException(ErrorCode.UNKNOWN_CALLEE, "no such user");
    }

    public static ApiException selfCall() {
        return new ApiException(ErrorCode.SELF_CALL, "you cannot call yourself");
    }

    public static ApiException providerDisabled(String provider) {
        return new ApiException(ErrorCode.PROVIDER_DISABLED, "call provider '" + provider + "' is not enabled");
    }
}
