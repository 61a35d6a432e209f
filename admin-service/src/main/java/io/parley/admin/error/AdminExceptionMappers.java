package io.parley.admin.error;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.core.Response;
import io.parley.common.error.ApiExceptionMappers;
import io.parley.protocol.ErrorCode;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Errors the admin API's clients see as {@code {code, message, correlationId}} beyond service-common's: a body
 * whose JSON does not fit the expected types names the offending field (the admin page shows the message next
 * to it). (FORBIDDEN for users outside the administrators' group is service-common's.)
 */
public class AdminExceptionMappers {

    /** Replaces Quarkus' own mapper for this exception, whose body is not the error envelope. */
    @ServerExceptionMapper
    public Response wrongJsonType(MismatchedInputException e) {
        return wrongJson(e);
    }

    @ServerExceptionMapper
    public Response wrongJson(JsonMappingException e) {
        String field = path(e);
        String message = (field.isEmpty() ? "body" : field) + ": wrong type or shape";
        return ApiExceptionMappers.refusal(400, ErrorCode.INVALID_PAYLOAD, message).build();
    }

    /** The field path as the page names fields: {@code iceServers[2].urls[0]}. */
    static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

}
