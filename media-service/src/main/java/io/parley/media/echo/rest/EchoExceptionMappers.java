package io.parley.media.echo.rest;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.parley.common.error.ApiError;
import io.parley.media.echo.service.EchoBusyException;
import io.quarkus.logging.Log;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Errors of the echo API beyond service-common's: the busy answer carries {@code Retry-After}, and JSON of the wrong
 * shape is {@code INVALID_PAYLOAD} naming the field (this service's only JSON body is the echo offer).
 */
public class EchoExceptionMappers {

    @ServerExceptionMapper
    public Response busy(EchoBusyException e) {
        return body(e.status(), e.code(), e.getMessage())
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .build();
    }

    /** Replaces Quarkus' own mapper for JSON of the wrong shape, whose body is not the error envelope. */
    @ServerExceptionMapper
    public Response wrongShape(MismatchedInputException e) {
        return body(400, "INVALID_PAYLOAD", "sdp must be a string: the body is {\"sdp\": \"<SDP offer>\"}").build();
    }

    private static Response.ResponseBuilder body(int status, String code, String message) {
        String correlationId = UUID.randomUUID().toString();
        Log.debugf("refused [%s] %s: %s", correlationId, code, message);
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(code, message, correlationId));
    }
}
