package io.parley.admin.provider;

import io.parley.admin.provider.spi.CallProvider;
import jakarta.enterprise.context.ApplicationScoped;

/** A provider added the way a real connector would be: a CDI bean implementing the SPI, off until enabled. */
@ApplicationScoped
public class TestSipConnector implements CallProvider {

    public static final String ID = "sip-test";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String name() {
        return "SIP (test connector)";
    }

    @Override
    public String description() {
        return "Calls to SIP phones through a test connector.";
    }
}
