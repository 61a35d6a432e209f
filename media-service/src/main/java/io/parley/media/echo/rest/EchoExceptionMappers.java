package io.parley.media.echo.rest;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.parley.media.echo.service.EchoBusyException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import io.parley.common.error.ApiExceptionMappers;
import io.parley.protocol.ErrorCode;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Errors of the echo API beyond service-common's: the busy answer carries {@code Retry-After}, and JSON of the wrong
 * shape is {@code INVALID_PAYLOAD} naming the field (this service's only JSON body is the echo offer).
 */
public class EchoExceptionMappers {

    @ServerExceptionMapper
    public Response busy(EchoBusyException e) {
        return ApiExceptionMappers.refusal(e.status(), e.errorCode(), e.getMessage())
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .build();
    }

    /** Replaces Quarkus' own mapper for JSON of the wrong shape, whose body is not the error envelope. */
    @ServerExceptionMapper
    public Response wrongShape(MismatchedInputException e) {
        return ApiExceptionMappers.refusal(400, ErrorCode.INVALID_PAYLOAD, "sdp must be a string: the body is {\"sdp\": \"<SDP offer>\"}").build();
    }

}
