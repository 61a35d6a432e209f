package io.parley.admin.error;

import io.parley.protocol.ApiException;
import io.parley.protocol.ErrorCode;

/** The refusals of the admin API, with the codes of docs/protocol.md and their HTTP status. */
public final class AdminErrors {

    private AdminErrors() {
    }

    /** A field is missing, of the wrong type or invalid; the message names each such field. */
    public static ApiException invalidPayload(String message) {
        return new ApiException(ErrorCode.INVALID_PAYLOAD, message);
    }

    /** The request was based on a version someone else has replaced since it was read. */
    public static ApiException conflict(String resource, long sentVersion, long currentVersion) {
        return new ApiException(ErrorCode.CONFLICT, resource + ": changed by someone else since you read it (you sent "
                + "version " + sentVersion + ", the current version is " + currentVersion + "); reload and apply your "
                + "change again");
    }

    public static ApiException notFound(String message) {
        return new ApiException(ErrorCode.NOT_FOUND, message);
    }
}
