package io.parley.common.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.protocol.EnvelopeWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Makes the protocol module's writer a bean, so every socket of a service writes envelopes one way. */
public class ProtocolBeans {

    @Produces
    @ApplicationScoped
    EnvelopeWriter envelopeWriter(ObjectMapper json) {
        return new EnvelopeWriter(json);
    }
}
