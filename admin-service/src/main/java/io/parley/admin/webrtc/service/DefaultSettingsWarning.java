package io.parley.admin.webrtc.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * Warns at start, outside dev and test, when clients would get nothing but the out-of-the-box public STUN
 * server: fine on one machine, but calls across NATs and firewalls need a TURN relay an administrator sets up.
 */
@ApplicationScoped
public class DefaultSettingsWarning {

    private final WebRtcSettingsService settings;
    private final WebRtcDefaults defaults;

    public DefaultSettingsWarning(WebRtcSettingsService settings, WebRtcDefaults defaults) {
        this.settings = settings;
        this.defaults = defaults;
    }

    void onStart(@Observes StartupEvent event) {
        List<String> profiles = ConfigUtils.getProfiles();
        if (profiles.contains("dev") || profiles.contains("test")) {
            return;
        }
        // Hibernate Reactive needs a Vert.x context; the check must not hold up the start either.
        VertxContextSupport.subscribe(() -> Panache.withSession(settings::current).toMulti(), subscribe -> subscribe.with(
                current -> {
                    if (defaults.onlyTheDefaultStunServer(current)) {
                        Log.warn("WebRTC: clients get only the default public STUN server and no TURN relay, so calls "
                                + "between users behind NATs or firewalls will fail. Add ICE servers or enable Parley's "
                                + "TURN relay on the admin page (/admin/), or PUT /api/admin/webrtc-settings.");
                    }
                },
                failure -> Log.warnf("WebRTC: could not check the settings at start: %s", failure.toString())));
    }
}
