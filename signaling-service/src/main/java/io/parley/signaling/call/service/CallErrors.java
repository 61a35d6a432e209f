package io.parley.signaling.call.service;

import io.parley.common.error.ApiException;

/** The call-control refusals of docs/protocol.md, with the HTTP status they carry on REST. */
public final class CallErrors {

    private CallErrors() {
    }

    public static ApiException invalidPayload(String message) {
        return new ApiException(400, "INVALID_PAYLOAD", message);
    }

    /** Same answer for "no such call" and "not your call": existence never leaks. */
    public static ApiException callNotFound() {
        return new ApiException(404, "CALL_NOT_FOUND", "no such call");
    }

    public static ApiException invalidState(String message) {
        return new ApiException(409, "INVALID_STATE", message);
    }

    public static ApiException unknownCallee() {
        return new ApiException(404, "UNKNOWN_CALLEE", "no such user");
    }

    public static ApiException selfCall() {
        return new ApiException(400, "SELF_CALL", "you cannot call yourself");
    }

    public static ApiException providerDisabled(String provider) {
        return new ApiException(400, "PROVIDER_DISABLED", "call provider '" + provider + "' is not enabled");
    }
}
