package io.parley.common.error;

import io.parley.protocol.ApiError;
import io.parley.protocol.ApiException;
import io.parley.protocol.ErrorCode;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into an {@link ApiError}: clients never see a stack trace, and the log line for a
 * server fault carries the same correlation id as the response. Services with refusals of their own build
 * their responses with {@link #refusal}, so every body has the one shape.
 */
public class ApiExceptionMappers {

    @ServerExceptionMapper
    public Response apiException(ApiException e) {
        return refusal(e.status(), e.errorCode(), e.getMessage()).build();
    }

    @ServerExceptionMapper
    public Response webApplicationException(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            String correlationId = newCorrelationId();
            Log.errorf(e, "request failed [%s]", correlationId);
            return body(status, new ApiError(ErrorCode.INTERNAL, "internal error", correlationId)).build();
        }
        return refusal(status, ErrorCode.ofHttpStatus(status), e.getMessage()).build();
    }

    /**
     * A signed-in user outside the administrators' group (the only role any API checks) gets FORBIDDEN with the
     * error envelope instead of Quarkus' empty 403.
     */
    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e) {
        return refusal(403, ErrorCode.FORBIDDEN, "administrators only").build();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        if (e instanceof WebApplicationException wae) {
            return webApplicationException(wae);
        }
        String correlationId = newCorrelationId();
        Log.errorf(e, "request failed [%s]", correlationId);
        return body(500, new ApiError(ErrorCode.INTERNAL, "internal error; quote correlation id " + correlationId,
                correlationId)).build();
    }

    /** The response for a refusal (a client error): logged at debug level with its correlation id. */
    public static Response.ResponseBuilder refusal(int status, ErrorCode code, String message) {
        String correlationId = newCorrelationId();
        Log.debugf("refused [%s] %s: %s", correlationId, code, message);
        return body(status, new ApiError(code, message, correlationId));
    }

    private static Response.ResponseBuilder body(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(error);
    }

    static String newCorrelationId() {
        return UUID.randomUUID().toString();
    }
}
