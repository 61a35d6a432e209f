package io.parley.common.error;

import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into an {@link ApiError}: clients never see a stack trace, and the log line for a
 * server fault carries the same correlation id as the response.
 */
public class ApiExceptionMappers {

    @ServerExceptionMapper
    public Response apiException(ApiException e) {
        String correlationId = newCorrelationId();
        Log.debugf("refused [%s] %s: %s", correlationId, e.code(), e.getMessage());
        return body(e.status(), new ApiError(e.code(), e.getMessage(), correlationId));
    }

    @ServerExceptionMapper
    public Response webApplicationException(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 400 -> "BAD_REQUEST";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 406, 415 -> "UNSUPPORTED_MEDIA_TYPE";
            case 409 -> "CONFLICT";
            default -> status >= 500 ? "INTERNAL" : "REQUEST_REFUSED";
        };
        String correlationId = newCorrelationId();
        String message = status >= 500 ? "internal error" : e.getMessage();
        if (status >= 500) {
            Log.errorf(e, "request failed [%s]", correlationId);
        }
        return body(status, new ApiError(code, message, correlationId));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        if (e instanceof WebApplicationException wae) {
            return webApplicationException(wae);
        }
        String correlationId = newCorrelationId();
        Log.errorf(e, "request failed [%s]", correlationId);
        return body(500, new ApiError("INTERNAL", "internal error; quote correlation id " + correlationId,
                correlationId));
    }

    private static Response body(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(error).build();
    }

    static String newCorrelationId() {
        return UUID.randomUUID().toString();
    }
}
