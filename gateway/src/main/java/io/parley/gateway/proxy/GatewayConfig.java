package io.parley.gateway.proxy;

import io.smallrye.config.ConfigMapping;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** The gateway's route table: which path prefixes go to which service. */
@ConfigMapping(prefix = "parley.gateway")
public interface GatewayConfig {

    /** Routes by service name, e.g. {@code parley.gateway.routes.signaling.url=http://localhost:8081}. */
    Map<String, Route> routes();

    /** One service behind the gateway. */
    interface Route {

        /** Base URL of the service; paths are forwarded unchanged. */
        URI url();

        /** Path prefixes relayed to this service, e.g. {@code /api/signaling} and {@code /ws/signaling}. */
        List<String> paths();
    }
}
